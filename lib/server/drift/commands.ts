import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import type { TAcknowledgeDrift, TRequestDriftCheck } from './schemas'

// A person's part in drift: asking for a check now (the worker makes it), and a DBA's acknowledgement of what a
// check found, which lets runs on a protected environment go ahead on exactly that drift.

/** A check running longer than this was left by a worker that stopped; it no longer holds the target's place. */
const ABANDONED_MS = 10 * 60_000

/** Editors (role re-read from the database): queues a check of a PostgreSQL connection, or finds the one queued. */
export async function requestDriftCheck(
  actor: UserActor,
  input: TRequestDriftCheck,
  now = new Date(),
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'connection:read')
    const connection = await tx.connection.findUnique({
      where: { id: input.connectionId },
      select: { id: true, name: true, engine: true },
    })
    if (!connection) throw notFound('Connection')
    if (connection.engine !== 'POSTGRES')
      throw conflict(`${connection.name} is a SQLite file: drift is checked on PostgreSQL targets.`)
    await tx.driftCheck.updateMany({
      where: {
        connectionId: connection.id,
        status: 'RUNNING',
        startedAt: { lt: new Date(now.getTime() - ABANDONED_MS) },
      },
      data: { status: 'FAILED', error: 'The worker making the check stopped.', finishedAt: now },
    })
    // The partial unique index keeps one open check a target: a second request finds the first.
    const open = await tx.driftCheck.findFirst({
      where: { connectionId: connection.id, status: { in: ['QUEUED', 'RUNNING'] } },
      select: { id: true },
    })
    if (open) return open
    const check = await tx.driftCheck.create({
      data: { connectionId: connection.id, trigger: 'ON_DEMAND', requestedById: actor.id },
      select: { id: true },
    })
    await recordAudit(tx, actor, {
      action: 'drift.check',
      entityType: 'DriftCheck',
      entityId: check.id,
      before: null,
      after: { connection: connection.name },
    })
    return check
  })
}

/** DBAs (role re-read from the database): acknowledges a drifted check with a reason, once; audited. */
export async function acknowledgeDrift(actor: UserActor, input: TAcknowledgeDrift): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:start-protected')
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "DriftCheck" WHERE "id" = ${input.checkId}::uuid FOR UPDATE`
    if (!locked.length) throw notFound('Drift check')
    const check = await tx.driftCheck.findUniqueOrThrow({
      where: { id: input.checkId },
      select: { id: true, status: true, objects: true, acknowledgedAt: true, connection: { select: { name: true } } },
    })
    if (check.status !== 'DRIFTED') throw conflict('Only a check that found drift can be acknowledged.')
    if (check.acknowledgedAt) throw conflict('This drift is already acknowledged.')
    const acknowledgedAt = new Date()
    await tx.driftCheck.update({
      where: { id: check.id },
      data: { acknowledgedById: actor.id, acknowledgedAt, acknowledgeReason: input.reason },
    })
    await recordAudit(tx, actor, {
      action: 'drift.acknowledge',
      entityType: 'DriftCheck',
      entityId: check.id,
      before: { acknowledged: false },
      after: { acknowledged: true, connection: check.connection.name, objects: check.objects, reason: input.reason },
    })
    return { id: check.id }
  })
}
