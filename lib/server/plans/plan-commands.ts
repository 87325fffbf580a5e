import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict } from '@/lib/server/errors'
import { editPlan } from './edit-plan'
import type { TCreatePlan, TUpdatePlan } from './schemas'

// Leads, DBAs and admins (plan:edit), re-checked inside each transaction.

const toDate = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null)

function planFields(input: TCreatePlan) {
  return {
    title: input.title,
    summary: input.summary,
    currentState: input.currentState,
    targetState: input.targetState,
    status: input.status,
    startDate: toDate(input.startDate),
  }
}

export async function createPlan(actor: UserActor, input: TCreatePlan): Promise<{ id: string }> {
  if (input.status === 'ARCHIVED') throw conflict('A new plan cannot start archived.')
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'plan:edit')
    const plan = await tx.plan.create({ data: { ...planFields(input), ownerId: actor.id } })
    await recordAudit(tx, actor, {
      action: 'plan.create',
      entityType: 'Plan',
      entityId: plan.id,
      planId: plan.id,
      after: { title: plan.title, status: plan.status },
    })
    return { id: plan.id }
  })
}

export async function updatePlan(actor: UserActor, input: TUpdatePlan): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    if (input.status === 'ARCHIVED') throw conflict('Use Archive to archive a plan.')
    const next = planFields(input)
    await tx.plan.update({ where: { id: plan.id }, data: next })
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (key) => String(plan[key] ?? '') !== String(next[key] ?? ''),
    )
    await audit({
      action: 'plan.update',
      entityType: 'Plan',
      entityId: plan.id,
      before: Object.fromEntries(changed.map((key) => [key, plan[key]?.toString() ?? null])),
      after: Object.fromEntries(changed.map((key) => [key, next[key]?.toString() ?? null])),
    })
    return { id: plan.id }
  })
}

export async function archivePlan(actor: UserActor, planId: string): Promise<{ id: string }> {
  return editPlan(actor, planId, async ({ tx, plan, audit }) => {
    await tx.plan.update({ where: { id: plan.id }, data: { status: 'ARCHIVED' } })
    await audit({
      action: 'plan.archive',
      entityType: 'Plan',
      entityId: plan.id,
      before: { status: plan.status },
      after: { status: 'ARCHIVED' },
    })
    return { id: plan.id }
  })
}

export async function restorePlan(actor: UserActor, planId: string): Promise<{ id: string }> {
  return editPlan(
    actor,
    planId,
    async ({ tx, plan, audit }) => {
      if (plan.status !== 'ARCHIVED') return { id: plan.id }
      await tx.plan.update({ where: { id: plan.id }, data: { status: 'DRAFT' } })
      await audit({
        action: 'plan.restore',
        entityType: 'Plan',
        entityId: plan.id,
        before: { status: 'ARCHIVED' },
        after: { status: 'DRAFT' },
      })
      return { id: plan.id }
    },
    { allowArchived: true },
  )
}
