import 'server-only'
import { createHash } from 'node:crypto'
import { db, type Prisma } from '@/lib/db'
import type { DriftReport } from '@/lib/domain/drift'
import type { SchemaSnapshot } from '@/lib/domain/rehearsal'
import type { DriftStatus, DriftTrigger } from '@/lib/generated/prisma/enums'
import { claimQueuedJob } from '@/lib/server/jobs'
import { approversOf, notify } from '@/lib/server/notifications/notify'
import { emitDriftFound } from '@/lib/server/webhooks/payloads'
import { plural } from '@/lib/domain/words'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import type { PostgresTarget } from '@/lib/targets/postgres'

// The worker's side of drift (lib/engine/drift.ts): the schemas it records after runs, the checks it makes and
// ends, the DBAs told when a target drifts anew, and whether a DBA acknowledged what a check found.

export const claimDriftCheck = (workerId: string) => claimQueuedJob('DriftCheck', workerId)

/** What the worker needs to check a queued drift check: its connection. */
export async function driftCheckToRun(id: string) {
  return db.driftCheck.findUniqueOrThrow({ where: { id }, select: { id: true, connectionId: true } })
}

/** A PostgreSQL connection to check, password decrypted (worker side only). */
export async function connectionTargetOf(connectionId: string): Promise<PostgresTarget> {
  const c = await db.connection.findUniqueOrThrow({ where: { id: connectionId } })
  if (c.engine !== 'POSTGRES') throw new Error(`${c.name} is not a PostgreSQL database: it has no schema to check.`)
  return postgresTargetOf(c)
}

/** The newest schema Lockstep recorded of a connection, or null. */
export async function latestRecord(connectionId: string) {
  return db.schemaRecord.findFirst({
    where: { connectionId },
    orderBy: { takenAt: 'desc' },
    select: { id: true, snapshot: true, takenAt: true },
  })
}

export async function saveRecord(connectionId: string, snapshot: SchemaSnapshot, runId: string | null) {
  return db.schemaRecord.create({
    data: { connectionId, runId, snapshot, objects: Object.keys(snapshot).length },
    select: { id: true },
  })
}

/** sha256 of the objects a check found (what an acknowledgement covers). */
export const fingerprintOf = (report: DriftReport) =>
  createHash('sha256')
    .update(
      report.objects
        .map((o) => `${o.kind} ${o.object} ${o.live ?? ''}`)
        .sort()
        .join('\n'),
    )
    .digest('hex')

export type DriftOutcome = {
  status: Extract<DriftStatus, 'RECORDED' | 'CLEAN' | 'DRIFTED' | 'FAILED'>
  recordId: string | null
  report?: DriftReport
  error?: string
}

/**
 * Ends a check: a queued one (`id`) once, or a new one made before a run or by the sweep. A drift unlike the one the
 * connection's previous check found is told to the DBAs, in the same transaction.
 */
export async function finishDriftCheck(
  target: { id: string | null; connectionId: string; trigger: DriftTrigger; runId?: string | null },
  outcome: DriftOutcome,
): Promise<{ id: string; fingerprint: string | null }> {
  const fingerprint = outcome.report && outcome.status === 'DRIFTED' ? fingerprintOf(outcome.report) : null
  const data = {
    status: outcome.status,
    recordId: outcome.recordId,
    report: (outcome.report ?? null) as unknown as Prisma.InputJsonValue,
    fingerprint,
    objects: outcome.report?.objects.length ?? 0,
    error: outcome.error ?? null,
    finishedAt: new Date(),
  }
  return db.$transaction(async (tx) => {
    const previous = await tx.driftCheck.findFirst({
      where: {
        connectionId: target.connectionId,
        status: { in: ['CLEAN', 'DRIFTED', 'RECORDED'] },
        ...(target.id ? { id: { not: target.id } } : {}),
      },
      orderBy: { finishedAt: 'desc' },
      select: { fingerprint: true },
    })
    let id = target.id
    if (id) {
      const { count } = await tx.driftCheck.updateMany({
        where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
        data: { ...data, report: data.report ?? undefined },
      })
      if (!count) return { id, fingerprint }
    } else {
      id = (
        await tx.driftCheck.create({
          data: {
            ...data,
            report: data.report ?? undefined,
            connectionId: target.connectionId,
            trigger: target.trigger,
            runId: target.runId ?? null,
            startedAt: new Date(),
          },
          select: { id: true },
        })
      ).id
    }
    if (outcome.status === 'DRIFTED' && previous?.fingerprint !== fingerprint) {
      const connection = await tx.connection.findUniqueOrThrow({
        where: { id: target.connectionId },
        select: { name: true, environment: { select: { name: true } } },
      })
      await notify(tx, await approversOf(tx, null), {
        kind: 'TARGET_DRIFTED',
        title: `${connection.name} (${connection.environment.name}) drifted: ${plural(data.objects, 'object')} changed outside Lockstep`,
        body: outcome.report?.objects
          .slice(0, 5)
          .map((o) => `${o.object} ${o.kind}`)
          .join('; '),
        href: `/connections/${target.connectionId}/drift`,
      })
      await emitDriftFound(tx, { id, connectionId: target.connectionId, objects: outcome.report?.objects ?? [] })
    }
    return { id, fingerprint }
  })
}

/** A DBA acknowledged exactly this drift (against the same record): a run may go ahead on it. */
export async function driftAcknowledged(connectionId: string, fingerprint: string, recordId: string | null) {
  const found = await db.driftCheck.findFirst({
    where: { connectionId, fingerprint, recordId, acknowledgedAt: { not: null } },
    orderBy: { acknowledgedAt: 'desc' },
    select: { acknowledgeReason: true, acknowledgedBy: { select: { name: true } } },
  })
  return found ? { by: found.acknowledgedBy?.name ?? 'a former user', reason: found.acknowledgeReason ?? '' } : null
}

/** Whether the environment is protected (a drifted target needs a DBA's acknowledgement there). */
export async function isProtected(environmentId: string): Promise<boolean> {
  return (
    (await db.environment.findUnique({ where: { id: environmentId }, select: { protected: true } }))?.protected ?? false
  )
}

/** Target connections of active plans whose last finished check is older than `minutes` (or that have none). */
export async function connectionsDueForDrift(minutes: number, now = new Date()): Promise<string[]> {
  const due = new Date(now.getTime() - minutes * 60_000)
  const links = await db.planEnvironment.findMany({
    where: { plan: { status: 'ACTIVE' }, targetConnection: { engine: 'POSTGRES' } },
    select: { targetConnectionId: true },
    distinct: ['targetConnectionId'],
  })
  const ids = links.map((l) => l.targetConnectionId).filter((id): id is string => !!id)
  if (!ids.length) return []
  const recent = await db.driftCheck.findMany({
    where: { connectionId: { in: ids }, OR: [{ finishedAt: { gte: due } }, { status: { in: ['QUEUED', 'RUNNING'] } }] },
    select: { connectionId: true },
    distinct: ['connectionId'],
  })
  const fresh = new Set(recent.map((r) => r.connectionId))
  return ids.filter((id) => !fresh.has(id))
}
