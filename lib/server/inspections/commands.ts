import 'server-only'
import { db, Prisma } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, notFound } from '@/lib/server/errors'
import type { TRequestInspection } from './schemas'

// Asking the worker to read a plan's source for the mapping editor. A preview shows the source's rows, so
// on a protected environment only a DBA may ask (as only a DBA works there); a person has a few reads in
// flight at most, and finished reads – which hold rows – are deleted after an hour.

/** Reads one person may have queued or running at once. */
export const MAX_INSPECTIONS_IN_FLIGHT = 3
/** How long a finished read (and the rows it holds) is kept. */
export const INSPECTION_KEPT_MS = 60 * 60 * 1000

/** Editors of the plan (role re-read from the database); on a protected environment DBAs and admins. */
export async function requestInspection(
  actor: UserActor,
  input: TRequestInspection,
  now = new Date(),
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'plan:edit')
    // One request at a time per person: the count below holds under the lock.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`inspection:${actor.id}`}, 0))`
    const plan = await tx.plan.findUnique({ where: { id: input.planId }, select: { id: true, status: true } })
    if (!plan) throw notFound('Plan')
    if (plan.status === 'ARCHIVED') throw conflict('This plan is archived; restore it to edit its steps.')
    const link = await tx.planEnvironment.findUnique({
      where: { planId_environmentId: { planId: plan.id, environmentId: input.environmentId } },
      include: { environment: { select: { name: true, protected: true } } },
    })
    if (!link) throw notFound('Environment')
    if (link.environment.protected)
      await assertCanInTx(tx, actor, 'run:start-protected').catch(() => {
        throw new DomainError(
          'FORBIDDEN',
          `Only a DBA can read the source of the protected environment “${link.environment.name}”: choose another environment to read it from.`,
        )
      })
    if (!link.sourceConnectionId)
      throw conflict(
        `Choose the source connection of “${link.environment.name}” for this plan first (plan page → Environments).`,
      )
    await tx.sourceInspection.deleteMany({
      where: { requestedById: actor.id, createdAt: { lt: new Date(now.getTime() - INSPECTION_KEPT_MS) } },
    })
    const inFlight = await tx.sourceInspection.count({
      where: { requestedById: actor.id, status: { in: ['QUEUED', 'RUNNING'] } },
    })
    if (inFlight >= MAX_INSPECTIONS_IN_FLIGHT)
      throw conflict(`${inFlight} reads of a source are already under way for you; wait for one to finish.`)
    const inspection = await tx.sourceInspection.create({
      data: {
        planId: plan.id,
        environmentId: input.environmentId,
        requestedById: actor.id,
        kind: input.kind === 'profile' ? 'PROFILE' : 'PREVIEW',
        table: input.kind === 'preview' ? (input.table ?? null) : null,
        mapping: input.kind === 'preview' ? (input.mapping as Prisma.InputJsonObject) : Prisma.DbNull,
      },
    })
    await recordAudit(tx, actor, {
      action: 'inspection.request',
      entityType: 'SourceInspection',
      entityId: inspection.id,
      planId: plan.id,
      after: { environment: link.environment.name, kind: input.kind, ...(input.table ? { table: input.table } : {}) },
    })
    return { id: inspection.id }
  })
}
