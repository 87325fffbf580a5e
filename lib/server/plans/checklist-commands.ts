import type { UserActor } from '@/lib/server/actor'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { editPlan, nextPosition, planIdOf } from './edit-plan'
import type { TAddChecklist, TAddItem, TSetItemDone, TUpdateItem } from './schemas'

// Leads, DBAs and admins (plan:edit), through editPlan.

export async function addChecklist(actor: UserActor, input: TAddChecklist): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    const position = nextPosition(
      await tx.checklist.aggregate({ where: { planId: plan.id }, _max: { position: true } }),
    )
    const checklist = await tx.checklist.create({ data: { planId: plan.id, name: input.name, position } })
    await audit({
      action: 'checklist.create',
      entityType: 'Checklist',
      entityId: checklist.id,
      after: { name: checklist.name },
    })
    return { id: checklist.id }
  })
}

export async function addItem(actor: UserActor, input: TAddItem): Promise<{ id: string }> {
  const home = input.phaseId
    ? ({ kind: 'phase', id: input.phaseId } as const)
    : ({ kind: 'checklist', id: input.checklistId ?? '' } as const)
  return editPlan(actor, await planIdOf(home.kind, home.id), async ({ tx, plan, audit }) => {
    if (home.kind === 'phase') {
      const phase = await tx.phase.findFirst({
        where: { id: home.id, planId: plan.id },
        select: { completedAt: true, name: true },
      })
      if (!phase) throw notFound('Phase')
      if (phase.completedAt) throw conflict(`“${phase.name}” is done; reopen it to add items.`)
    }
    const where = home.kind === 'phase' ? { phaseId: home.id } : { checklistId: home.id }
    if ((await tx.checklistItem.count({ where })) >= 500) throw invalid('A checklist has at most 500 items.')
    const position = nextPosition(await tx.checklistItem.aggregate({ where, _max: { position: true } }))
    const item = await tx.checklistItem.create({
      data: {
        ...where,
        position,
        text: input.text,
        owner: input.owner,
        isRequired: input.isRequired,
        dueDate: input.dueDate ? new Date(`${input.dueDate}T00:00:00Z`) : null,
      },
    })
    await audit({
      action: 'checklistItem.create',
      entityType: 'ChecklistItem',
      entityId: item.id,
      after: { text: item.text, isRequired: item.isRequired },
    })
    return { id: item.id }
  })
}

export async function updateItem(actor: UserActor, input: TUpdateItem): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('item', input.itemId), async ({ tx, audit }) => {
    const before = await tx.checklistItem.findUniqueOrThrow({
      where: { id: input.itemId },
      include: { phase: { select: { completedAt: true, name: true } } },
    })
    if (before.phase?.completedAt) throw conflict(`“${before.phase.name}” is done; reopen it to change its checklist.`)
    const next = {
      text: input.text,
      owner: input.owner,
      isRequired: input.isRequired,
      dueDate: input.dueDate ? new Date(`${input.dueDate}T00:00:00Z`) : null,
    }
    await tx.checklistItem.update({ where: { id: before.id }, data: next })
    const iso = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null
    const was = { text: before.text, owner: before.owner, isRequired: before.isRequired, dueDate: iso(before.dueDate) }
    const now = { ...next, dueDate: iso(next.dueDate) }
    const changed = (Object.keys(was) as (keyof typeof was)[]).filter((key) => was[key] !== now[key])
    await audit({
      action: 'checklistItem.update',
      entityType: 'ChecklistItem',
      entityId: before.id,
      before: Object.fromEntries(changed.map((key) => [key, was[key]])),
      after: { ...Object.fromEntries(changed.map((key) => [key, now[key]])), text: now.text },
    })
    return { id: before.id }
  })
}

export type ItemDoneDTO = { id: string; doneAt: string | null; doneByName: string | null }

/** Ticks or unticks an item, keeping who and when; items of a completed phase are frozen. */
export async function setItemDone(actor: UserActor, input: TSetItemDone): Promise<ItemDoneDTO> {
  return editPlan(actor, await planIdOf('item', input.itemId), async ({ tx, audit }) => {
    const item = await tx.checklistItem.findUniqueOrThrow({
      where: { id: input.itemId },
      include: { phase: { select: { completedAt: true, name: true } }, doneBy: { select: { name: true } } },
    })
    if (item.phase?.completedAt) throw conflict(`“${item.phase.name}” is done; reopen it to change its checklist.`)
    if (!!item.doneAt === input.done)
      return { id: item.id, doneAt: item.doneAt?.toISOString() ?? null, doneByName: item.doneBy?.name ?? null }
    const updated = await tx.checklistItem.update({
      where: { id: item.id },
      data: input.done ? { doneAt: new Date(), doneById: actor.id } : { doneAt: null, doneById: null },
      include: { doneBy: { select: { name: true } } },
    })
    await audit({
      action: input.done ? 'checklistItem.tick' : 'checklistItem.untick',
      entityType: 'ChecklistItem',
      entityId: item.id,
      before: { done: !!item.doneAt },
      after: { done: input.done, text: item.text },
    })
    return { id: updated.id, doneAt: updated.doneAt?.toISOString() ?? null, doneByName: updated.doneBy?.name ?? null }
  })
}
