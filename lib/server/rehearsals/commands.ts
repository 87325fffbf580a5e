import 'server-only'
import { db } from '@/lib/db'
import { ACTIVE_REHEARSAL_STATES } from '@/lib/domain/states/rehearsal'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import { planTargetOf } from '@/lib/server/runs/target'
import type { TRequestRehearsal } from './schemas'
import { rehearsedStepsOf } from './steps'

// Rollback rehearsals: an editor asks for a phase's SQL steps to be run up, rolled back and run up again on
// a non-protected environment's target; the worker does it (lib/engine/rehearsals.ts). The target keeps
// the steps applied with no history saying so, which is why a protected environment is never rehearsed on.

const quoted = (name: string) => `“${name}”`

/** Editors (role re-read): queues a rehearsal of a phase on a non-protected environment, audited. */
export async function requestRehearsal(actor: UserActor, input: TRequestRehearsal): Promise<{ id: string }> {
  assertCan(actor, 'run:start')
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start')
    const phase = await tx.phase.findFirst({
      where: { id: input.phaseId, planId: input.planId },
      include: { plan: { select: { status: true } } },
    })
    if (!phase) throw notFound('Phase')
    if (phase.plan.status === 'ARCHIVED') throw conflict('This plan is archived; restore it to rehearse it.')
    const environment = await tx.environment.findUnique({ where: { id: input.environmentId } })
    if (!environment) throw notFound('Environment')
    if (environment.protected) {
      throw conflict(
        `“${environment.name}” is protected. Rehearse on a staging environment: a rehearsal leaves the steps applied on its target, with no history recording them.`,
      )
    }
    const target = await planTargetOf(phase.planId, environment.id)
    if (!target)
      throw conflict(
        `Choose a PostgreSQL target connection of “${environment.name}” for this plan first (plan page → Environments).`,
      )
    const steps = await rehearsedStepsOf(tx, phase.id)
    if (steps.length === 0) throw conflict(`${quoted(phase.name)} has no SQL steps ready to rehearse.`)
    const without = steps.filter((s) => !s.rollbackBody?.trim()).map((s) => quoted(s.name))
    if (without.length > 0)
      throw conflict(
        `${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no rollback script; a rehearsal needs one for every SQL step.`,
      )
    // Two rehearsals on one database would undo each other's steps mid-comparison; the lock makes the
    // check and the insert one step for concurrent requests naming the same target.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`rehearsal:${target.connectionId}`}, 0))`
    const busy = await tx.rollbackRehearsal.findFirst({
      where: {
        environmentId: environment.id,
        status: { in: [...ACTIVE_REHEARSAL_STATES] },
        plan: { environments: { some: { environmentId: environment.id, targetConnectionId: target.connectionId } } },
      },
      select: { status: true },
    })
    if (busy)
      throw conflict(
        `A rehearsal on ${target.name} (“${environment.name}”) is already ${busy.status === 'QUEUED' ? 'queued' : 'running'}; wait for it to finish.`,
      )
    const rehearsal = await tx.rollbackRehearsal.create({
      data: {
        planId: phase.planId,
        phaseId: phase.id,
        environmentId: environment.id,
        requestedById: actor.id,
        stepNames: steps.map((s) => s.name),
      },
      select: { id: true },
    })
    await recordAudit(tx, actor, {
      action: 'rehearsal.request',
      entityType: 'RollbackRehearsal',
      entityId: rehearsal.id,
      planId: phase.planId,
      after: { phase: phase.name, environment: environment.name, target: target.name, steps: steps.map((s) => s.name) },
    })
    return rehearsal
  })
}
