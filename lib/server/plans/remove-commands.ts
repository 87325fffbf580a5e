import type { UserActor } from '@/lib/server/actor'
import { conflict, notFound } from '@/lib/server/errors'
import { editPlan, planIdOf } from './edit-plan'
import type { TRemove, TSetCriterionStatus } from './schemas'

// Removing parts of a plan, and the manual verdict on a success criterion. Leads, DBAs and admins,
// through editPlan; the audit event keeps what was removed.

export async function removeFromPlan(actor: UserActor, input: TRemove): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf(input.kind, input.id), async ({ tx, plan, audit }) => {
    if (input.kind === 'phase') {
      const phase = await tx.phase.findFirst({
        where: { id: input.id, planId: plan.id },
        include: { _count: { select: { items: true } } },
      })
      if (!phase) throw notFound('Phase')
      if (phase.completedAt) throw conflict(`“${phase.name}” is done; reopen it before removing it.`)
      await tx.phase.delete({ where: { id: phase.id } })
      const rest = await tx.phase.findMany({
        where: { planId: plan.id },
        orderBy: { position: 'asc' },
        select: { id: true, position: true },
      })
      await Promise.all(
        rest.map((p, position) =>
          p.position === position ? null : tx.phase.update({ where: { id: p.id }, data: { position } }),
        ),
      )
      await audit({
        action: 'phase.delete',
        entityType: 'Phase',
        entityId: phase.id,
        before: { name: phase.name, position: phase.position, items: phase._count.items },
      })
    } else if (input.kind === 'item') {
      const item = await tx.checklistItem.findUnique({
        where: { id: input.id },
        include: { phase: { select: { name: true, completedAt: true, planId: true } } },
      })
      if (!item) throw notFound('Checklist item')
      if (item.phase?.completedAt) throw conflict(`“${item.phase.name}” is done; reopen it to change its checklist.`)
      await tx.checklistItem.delete({ where: { id: item.id } })
      await audit({
        action: 'checklistItem.delete',
        entityType: 'ChecklistItem',
        entityId: item.id,
        before: { text: item.text, done: !!item.doneAt, isRequired: item.isRequired },
      })
    } else if (input.kind === 'risk') {
      const risk = await tx.risk.findFirst({ where: { id: input.id, planId: plan.id } })
      if (!risk) throw notFound('Risk')
      await tx.risk.delete({ where: { id: risk.id } })
      await audit({
        action: 'risk.delete',
        entityType: 'Risk',
        entityId: risk.id,
        before: { title: risk.title, impact: risk.impact, likelihood: risk.likelihood, status: risk.status },
      })
    } else if (input.kind === 'criterion') {
      const criterion = await tx.successCriterion.findFirst({ where: { id: input.id, planId: plan.id } })
      if (!criterion) throw notFound('Success criterion')
      await tx.successCriterion.delete({ where: { id: criterion.id } })
      await audit({
        action: 'successCriterion.delete',
        entityType: 'SuccessCriterion',
        entityId: criterion.id,
        before: { text: criterion.text, status: criterion.status },
      })
    } else {
      const trigger = await tx.rollbackTrigger.findFirst({ where: { id: input.id, planId: plan.id } })
      if (!trigger) throw notFound('Rollback trigger')
      await tx.rollbackTrigger.delete({ where: { id: trigger.id } })
      await audit({
        action: 'rollbackTrigger.delete',
        entityType: 'RollbackTrigger',
        entityId: trigger.id,
        before: { text: trigger.text },
      })
    }
    return { id: input.id }
  })
}

export async function setCriterionStatus(actor: UserActor, input: TSetCriterionStatus): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('criterion', input.criterionId), async ({ tx, plan, audit }) => {
    const criterion = await tx.successCriterion.findFirst({ where: { id: input.criterionId, planId: plan.id } })
    if (!criterion) throw notFound('Success criterion')
    if (criterion.status === input.status) return { id: criterion.id }
    await tx.successCriterion.update({ where: { id: criterion.id }, data: { status: input.status } })
    await audit({
      action: 'successCriterion.setStatus',
      entityType: 'SuccessCriterion',
      entityId: criterion.id,
      before: { status: criterion.status },
      after: { status: input.status, text: criterion.text },
    })
    return { id: criterion.id }
  })
}
