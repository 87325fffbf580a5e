import { ACTIVE_RUN_STATES } from '@/lib/domain/states/run'
import { stateWords } from '@/lib/domain/words'
import type { UserActor } from '@/lib/server/actor'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { editPlan, planIdOf, type PlanEdit } from './edit-plan'
import { reorder } from './rules'
import type { TAddPhase, TBlockPhase, TMovePhase, TPhaseId, TUpdatePhase } from './schemas'

// Leads, DBAs and admins (plan:edit), through editPlan.

const toDate = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null)

function phaseFields(input: TAddPhase | TUpdatePhase) {
  return {
    name: input.name,
    goal: input.goal,
    plannedStart: toDate(input.plannedStart),
    plannedEnd: toDate(input.plannedEnd),
    plannedLabel: input.plannedLabel,
  }
}

async function findPhase({ tx, plan }: PlanEdit, phaseId: string) {
  const phase = await tx.phase.findFirst({ where: { id: phaseId, planId: plan.id } })
  if (!phase) throw notFound('Phase')
  return phase
}

export async function addPhase(actor: UserActor, input: TAddPhase): Promise<{ id: string }> {
  return editPlan(actor, input.planId, async ({ tx, plan, audit }) => {
    const count = await tx.phase.count({ where: { planId: plan.id } })
    if (count >= 100) throw invalid('A plan has at most 100 phases.')
    const phase = await tx.phase.create({ data: { ...phaseFields(input), planId: plan.id, position: count } })
    await audit({
      action: 'phase.create',
      entityType: 'Phase',
      entityId: phase.id,
      after: { name: phase.name, position: phase.position },
    })
    return { id: phase.id }
  })
}

export async function updatePhase(actor: UserActor, input: TUpdatePhase): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const before = await findPhase(edit, input.phaseId)
    const phase = await edit.tx.phase.update({ where: { id: before.id }, data: phaseFields(input) })
    await edit.audit({
      action: 'phase.update',
      entityType: 'Phase',
      entityId: phase.id,
      before: { name: before.name, goal: before.goal },
      after: { name: phase.name, goal: phase.goal },
    })
    return { id: phase.id }
  })
}

/** Moves a phase one place up or down; positions stay 0..n-1 without gaps. */
export async function movePhase(actor: UserActor, input: TMovePhase): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const phases = await edit.tx.phase.findMany({
      where: { planId: edit.plan.id },
      orderBy: { position: 'asc' },
      select: { id: true, name: true },
    })
    const from = phases.findIndex((p) => p.id === input.phaseId)
    if (from < 0) throw notFound('Phase')
    const next = reorder(phases, from, input.direction === 'up' ? -1 : 1)
    if (next.every((p, i) => p.id === phases[i]?.id)) return { id: input.phaseId }
    await Promise.all(next.map((p, position) => edit.tx.phase.update({ where: { id: p.id }, data: { position } })))
    await edit.audit({
      action: 'phase.move',
      entityType: 'Phase',
      entityId: input.phaseId,
      before: { order: phases.map((p) => p.name) },
      after: { order: next.map((p) => p.name) },
    })
    return { id: input.phaseId }
  })
}

/** Marks a phase done; refused while it is blocked or any required item is open. */
export async function completePhase(actor: UserActor, input: TPhaseId): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const phase = await findPhase(edit, input.phaseId)
    if (phase.completedAt) return { id: phase.id }
    if (phase.blockedReason) throw conflict(`“${phase.name}” is blocked (${phase.blockedReason}); unblock it first.`)
    // Runs start under the same plan lock (startRun), so none can begin between this check and the update.
    const active = await edit.tx.run.findFirst({
      where: { phaseId: phase.id, status: { in: [...ACTIVE_RUN_STATES] } },
      select: { status: true, environment: { select: { name: true } } },
    })
    if (active)
      throw conflict(
        `“${phase.name}” cannot be marked done while its run on “${active.environment.name}” is ${stateWords(active.status)}; wait for it to end.`,
      )
    const open = await edit.tx.checklistItem.findMany({
      where: { phaseId: phase.id, isRequired: true, doneAt: null },
      select: { text: true },
      orderBy: { position: 'asc' },
    })
    if (open.length > 0) {
      const list = open
        .slice(0, 3)
        .map((i) => `“${i.text}”`)
        .join(', ')
      throw conflict(
        `“${phase.name}” cannot be marked done: ${open.length} required item${open.length === 1 ? ' is' : 's are'} still open (${list}${open.length > 3 ? ', …' : ''}).`,
      )
    }
    await edit.tx.phase.update({ where: { id: phase.id }, data: { completedAt: new Date(), completedById: actor.id } })
    await edit.audit({ action: 'phase.complete', entityType: 'Phase', entityId: phase.id, after: { name: phase.name } })
    return { id: phase.id }
  })
}

export async function reopenPhase(actor: UserActor, input: TPhaseId): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const phase = await findPhase(edit, input.phaseId)
    if (!phase.completedAt) return { id: phase.id }
    await edit.tx.phase.update({ where: { id: phase.id }, data: { completedAt: null, completedById: null } })
    await edit.audit({ action: 'phase.reopen', entityType: 'Phase', entityId: phase.id, after: { name: phase.name } })
    return { id: phase.id }
  })
}

export async function blockPhase(actor: UserActor, input: TBlockPhase): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const phase = await findPhase(edit, input.phaseId)
    await edit.tx.phase.update({ where: { id: phase.id }, data: { blockedReason: input.reason } })
    await edit.audit({
      action: 'phase.block',
      entityType: 'Phase',
      entityId: phase.id,
      before: { blockedReason: phase.blockedReason },
      after: { blockedReason: input.reason },
    })
    return { id: phase.id }
  })
}

export async function unblockPhase(actor: UserActor, input: TPhaseId): Promise<{ id: string }> {
  return editPlan(actor, await planIdOf('phase', input.phaseId), async (edit) => {
    const phase = await findPhase(edit, input.phaseId)
    if (!phase.blockedReason) return { id: phase.id }
    await edit.tx.phase.update({ where: { id: phase.id }, data: { blockedReason: null } })
    await edit.audit({
      action: 'phase.unblock',
      entityType: 'Phase',
      entityId: phase.id,
      before: { blockedReason: phase.blockedReason },
      after: { blockedReason: null },
    })
    return { id: phase.id }
  })
}
