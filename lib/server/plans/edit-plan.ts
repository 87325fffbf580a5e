import 'server-only'
import { db, type Tx } from '@/lib/db'
import type { Plan } from '@/lib/generated/prisma/client'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit, type AuditEntry } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import { PLAN_ROLLUP_SQL } from './rollup'

export type PlanEdit = {
  tx: Tx
  plan: Plan
  /** Records the audit event of this edit, tied to the plan. */
  audit: (entry: AuditEntry) => Promise<void>
}

/**
 * The one way to change a plan or anything in it: re-reads the actor's role inside the transaction,
 * locks the plan row (edits of one plan are serialized, so reorders and gates see a stable plan),
 * refuses archived plans, runs `change`, refreshes the plan's rollup counts and marks it as updated –
 * all in one transaction.
 */
export async function editPlan<T>(
  actor: UserActor,
  planId: string,
  change: (edit: PlanEdit) => Promise<T>,
  options: { allowArchived?: boolean } = {},
): Promise<T> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'plan:edit')
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Plan" WHERE "id" = ${planId}::uuid FOR UPDATE`
    if (locked.length === 0) throw notFound('Plan')
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: planId } })
    if (plan.status === 'ARCHIVED' && !options.allowArchived)
      throw conflict('This plan is archived; restore it to make changes.')
    const result = await change({ tx, plan, audit: (entry) => recordAudit(tx, actor, { ...entry, planId }) })
    await tx.$executeRawUnsafe(PLAN_ROLLUP_SQL, [planId])
    await tx.plan.update({ where: { id: planId }, data: { updatedAt: new Date() } })
    return result
  })
}

/** The position after the last one (positions can have gaps once rows are removed). */
export function nextPosition(aggregate: { _max: { position: number | null } }): number {
  return (aggregate._max.position ?? -1) + 1
}

/** The plan a child row belongs to; any miss (or malformed id) is "not found". */
export async function planIdOf(
  kind: 'phase' | 'item' | 'risk' | 'checklist' | 'criterion' | 'trigger' | 'step' | 'rule',
  id: string,
): Promise<string> {
  const label = {
    phase: 'Phase',
    item: 'Checklist item',
    risk: 'Risk',
    checklist: 'Checklist',
    criterion: 'Success criterion',
    trigger: 'Rollback trigger',
    step: 'Step',
    rule: 'Rule',
  }[kind]
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(label)
  let planId: string | null | undefined
  if (kind === 'phase') planId = (await db.phase.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'risk') planId = (await db.risk.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'checklist')
    planId = (await db.checklist.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'criterion')
    planId = (await db.successCriterion.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'trigger')
    planId = (await db.rollbackTrigger.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'step') planId = (await db.step.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'rule')
    planId = (await db.validationRule.findUnique({ where: { id }, select: { planId: true } }))?.planId
  if (kind === 'item') {
    const item = await db.checklistItem.findUnique({
      where: { id },
      select: { phase: { select: { planId: true } }, checklist: { select: { planId: true } } },
    })
    planId = item?.phase?.planId ?? item?.checklist?.planId
  }
  if (!planId) throw notFound(label)
  return planId
}
