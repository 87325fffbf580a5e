import type { UserActor } from '@/lib/server/actor'
import { notFound } from '@/lib/server/errors'
import { editPlan, nextPosition, planIdOf } from './edit-plan'
import type { TAddCriterion, TAddRisk, TAddTrigger, TUpdateRisk } from './schemas'

// The plan's registers – risks, success criteria, rollback triggers. Leads, DBAs and admins, through editPlan.

export async function addRisk(actor: UserActor, input: TAddRisk): Promise<{ id: string }> {
  const { planId, ...fields } = input
  return editPlan(actor, planId, async ({ tx, plan, audit }) => {
    const risk = await tx.risk.create({ data: { ...fields, planId: plan.id } })
    await audit({ action: 'risk.create', entityType: 'Risk', entityId: risk.id, after: fields })
    return { id: risk.id }
  })
}

export async function updateRisk(actor: UserActor, input: TUpdateRisk): Promise<{ id: string }> {
  const { riskId, ...fields } = input
  return editPlan(actor, await planIdOf('risk', riskId), async ({ tx, plan, audit }) => {
    const before = await tx.risk.findFirst({ where: { id: riskId, planId: plan.id } })
    if (!before) throw notFound('Risk')
    await tx.risk.update({ where: { id: riskId }, data: fields })
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter((key) => before[key] !== fields[key])
    await audit({
      action: 'risk.update',
      entityType: 'Risk',
      entityId: riskId,
      before: Object.fromEntries(changed.map((key) => [key, before[key]])),
      after: Object.fromEntries(changed.map((key) => [key, fields[key]])),
    })
    return { id: riskId }
  })
}

export async function addCriterion(actor: UserActor, input: TAddCriterion): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    const position = nextPosition(
      await tx.successCriterion.aggregate({ where: { planId: plan.id }, _max: { position: true } }),
    )
    const criterion = await tx.successCriterion.create({ data: { planId: plan.id, text: input.text, position } })
    await audit({
      action: 'successCriterion.create',
      entityType: 'SuccessCriterion',
      entityId: criterion.id,
      after: { text: criterion.text },
    })
    return { id: criterion.id }
  })
}

export async function addTrigger(actor: UserActor, input: TAddTrigger): Promise<{ id: string }> {
  const { planId, ...fields } = input
  return editPlan(actor, planId, async ({ tx, plan, audit }) => {
    const position = nextPosition(
      await tx.rollbackTrigger.aggregate({ where: { planId: plan.id }, _max: { position: true } }),
    )
    const trigger = await tx.rollbackTrigger.create({ data: { ...fields, planId: plan.id, position } })
    await audit({
      action: 'rollbackTrigger.create',
      entityType: 'RollbackTrigger',
      entityId: trigger.id,
      after: fields,
    })
    return { id: trigger.id }
  })
}
