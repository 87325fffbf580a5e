import type { UserActor } from '@/lib/server/actor'
import { notFound } from '@/lib/server/errors'
import { editPlan, nextPosition, planIdOf } from './edit-plan'
import type { TAddSqlStep, TSetStepReady } from './schemas'

// SQL steps of a phase: added by editors, and drafts (as imported) marked ready after review.

export async function addSqlStep(actor: UserActor, input: TAddSqlStep): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async ({ tx, plan, audit }) => {
    const phase = await tx.phase.findFirst({ where: { id: input.phaseId, planId: plan.id } })
    if (!phase) throw notFound('Phase')
    const position = nextPosition(await tx.step.aggregate({ where: { phaseId: phase.id }, _max: { position: true } }))
    const step = await tx.step.create({ data: { planId: plan.id, phaseId: phase.id, position, kind: 'SQL', name: input.name, body: input.body, rollbackBody: input.rollbackBody, isDraft: false } })
    await audit({ action: 'step.create', entityType: 'Step', entityId: step.id, after: { name: step.name, phase: phase.name } })
    return { id: step.id }
  })
}

export async function setStepReady(actor: UserActor, input: TSetStepReady): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('step', input.stepId), async ({ tx, plan, audit }) => {
    const step = await tx.step.findFirst({ where: { id: input.stepId, planId: plan.id } })
    if (!step) throw notFound('Step')
    await tx.step.update({ where: { id: step.id }, data: { isDraft: !input.ready } })
    await audit({ action: input.ready ? 'step.ready' : 'step.draft', entityType: 'Step', entityId: step.id, after: { name: step.name } })
    return { id: step.id }
  })
}
