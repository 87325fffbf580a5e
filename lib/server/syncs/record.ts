import 'server-only'
import { db, type Prisma } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { saveCopyRejects } from '@/lib/server/runs/rejects'
import type { ConnectionEngine, SyncStatus } from '@/lib/generated/prisma/enums'
import type { SyncTableLag } from '@/lib/domain/sync'

// The engine's side of a sync's record: the sync step opens it, a follower claims it under a lease and writes
// its lag, a cutover takes it over and ends it. Each change of state is one guarded update (the status it
// expects in its WHERE), so two workers never both move a sync.

/**
 * A follower's lease: renewed with every lag it writes (about once a second); another worker takes over once it
 * passed – as long as three heartbeats, and never under five seconds (a slow moment must not hand it over).
 */
export const leaseMs = () => Math.max(5_000, 3 * appEnv().WORKER_HEARTBEAT_MS)

/** What a sync follows; `copyId`: its initial copy's id (the rows it rejects are that copy's). */
export type SyncScope = { tables: string[]; schemas: string[]; mapping: Prisma.InputJsonValue; copyId?: string }

/** A sync's state as it starts (again): copying, no figures, no cutover. */
const freshSync = () => ({
  status: 'COPYING' as const,
  position: null,
  appliedChanges: 0,
  waitingChanges: 0,
  lagSeconds: 0,
  lagTables: [],
  lagAt: null,
  lastAppliedAt: null,
  workerId: null,
  leaseUntil: null,
  error: null,
  writesStoppedAt: null,
  switchedAt: null,
  downtimeMs: null,
  cutoverRunId: null,
  endedAt: null,
  sourceCleanedAt: null,
  endedById: null,
  startedAt: new Date(),
})

/** The sync of a step on an environment: made on its first run, started again after it ended or failed. */
export async function openSync(o: {
  planId: string
  stepId: string
  environmentId: string
  runId: string
  engine: ConnectionEngine
  source: string
  target: string
  scope: SyncScope
}) {
  const existing = await db.sync.findUnique({
    where: {
      stepId_environmentId_direction: { stepId: o.stepId, environmentId: o.environmentId, direction: 'FORWARD' },
    },
  })
  if (existing && !['ENDED', 'FAILED'].includes(existing.status)) return existing
  const data = {
    ...freshSync(),
    runId: o.runId,
    engine: o.engine,
    source: o.source,
    target: o.target,
    scope: o.scope,
  }
  return existing
    ? db.sync.update({ where: { id: existing.id }, data })
    : db.sync.create({ data: { ...data, planId: o.planId, stepId: o.stepId, environmentId: o.environmentId } })
}

/** Moves a sync from one of `from` to `to` (with `data`); false when it was not in one of them. */
export async function moveSync(
  id: string,
  from: readonly SyncStatus[],
  to: SyncStatus,
  data: Prisma.SyncUpdateManyMutationInput = {},
) {
  const { count } = await db.sync.updateMany({
    where: { id, status: { in: [...from] } },
    data: { ...data, status: to },
  })
  return count === 1
}

/** Takes a following sync no live follower holds; its id, or null. */
export async function claimSync(workerId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Sync" SET "workerId" = ${workerId}, "leaseUntil" = now() + ${`${leaseMs()} milliseconds`}::interval
     WHERE "id" = (SELECT "id" FROM "Sync" WHERE "status" = 'FOLLOWING' AND ("leaseUntil" IS NULL OR "leaseUntil" < now())
                   ORDER BY "updatedAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}

/** What a follower needs: the plan, environment and scope, and the status it is in. */
export async function syncToFollow(id: string) {
  return db.sync.findUniqueOrThrow({
    where: { id },
    select: {
      id: true,
      planId: true,
      environmentId: true,
      status: true,
      engine: true,
      scope: true,
      source: true,
      direction: true,
    },
  })
}

export type LagFigures = {
  position: string
  appliedChanges?: number
  waitingChanges: number
  lagSeconds: number
  lagTables: SyncTableLag[]
  lastAppliedAt?: Date
}

/**
 * Writes a follower's figures and renews its lease, if it still holds the sync; the status it is in (a
 * cutover that took it over makes it CUTTING_OVER), or null when another worker holds it now.
 */
export async function recordLag(id: string, workerId: string | null, f: LagFigures): Promise<SyncStatus | null> {
  const rows = await db.$queryRaw<{ status: SyncStatus }[]>`
    UPDATE "Sync" SET "position" = ${f.position}, "appliedChanges" = "appliedChanges" + ${f.appliedChanges ?? 0},
           "waitingChanges" = ${f.waitingChanges}, "lagSeconds" = ${f.lagSeconds}, "lagTables" = ${JSON.stringify(f.lagTables)}::jsonb,
           "lagAt" = now(), "lastAppliedAt" = coalesce(${f.lastAppliedAt ?? null}::timestamptz, "lastAppliedAt"),
           "leaseUntil" = CASE WHEN ${workerId}::text IS NULL THEN "leaseUntil" ELSE now() + ${`${leaseMs()} milliseconds`}::interval END,
           "error" = NULL, "updatedAt" = now()
     WHERE "id" = ${id}::uuid AND (${workerId}::text IS NULL OR "workerId" = ${workerId})
    RETURNING "status"`
  return rows[0]?.status ?? null
}

/** A follower lets go (stopping, or after a failure it records: another attempt comes after `retryMs`). */
export async function releaseSync(id: string, workerId: string, error?: string, retryMs = 0) {
  await db.sync.updateMany({
    where: { id, workerId },
    data: {
      workerId: null,
      leaseUntil: retryMs ? new Date(Date.now() + retryMs) : null,
      ...(error ? { error } : {}),
    },
  })
}

/** Whether a follower still holds the sync (a live lease). */
export async function isFollowed(id: string): Promise<boolean> {
  const sync = await db.sync.findUnique({ where: { id }, select: { workerId: true, leaseUntil: true } })
  return !!sync?.workerId && !!sync.leaseUntil && sync.leaseUntil > new Date()
}

export async function syncOfStep(stepId: string, environmentId: string) {
  return db.sync.findUnique({
    where: { stepId_environmentId_direction: { stepId, environmentId, direction: 'FORWARD' } },
  })
}

/** Ended syncs whose source still holds what they made (a person ended them from the web tier). */
export async function syncsToClean() {
  return db.sync.findMany({
    where: { status: 'ENDED', sourceCleanedAt: null },
    select: { id: true, planId: true, environmentId: true, direction: true },
    take: 10,
  })
}

export async function markSourceCleaned(id: string) {
  await db.sync.update({ where: { id }, data: { sourceCleanedAt: new Date() } })
}

/**
 * The lag of the syncs following into a connection (the plans whose target it is), for the monitor's samples:
 * the slowest one's, grown by the time since its follower last wrote it (a stopped follower's lag keeps
 * growing while changes wait); null when no sync follows into it.
 */
export async function syncLagInto(
  connectionId: string,
  now = Date.now(),
): Promise<{ lagSeconds: number; waiting: number } | null> {
  const links = await db.planEnvironment.findMany({
    where: { targetConnectionId: connectionId },
    select: { planId: true, environmentId: true },
  })
  if (!links.length) return null
  const syncs = await db.sync.findMany({
    where: { OR: links, status: { in: ['FOLLOWING', 'CUTTING_OVER'] }, direction: 'FORWARD' },
    select: { lagSeconds: true, waitingChanges: true, lagAt: true, startedAt: true },
  })
  if (!syncs.length) return null
  const lagOf = (s: (typeof syncs)[number]) => {
    const since = (s.lagAt ?? s.startedAt).getTime()
    const stale = Math.max(0, now - since - 2_000) / 1000
    return s.lagSeconds + (s.waitingChanges > 0 || !s.lagAt ? stale : 0)
  }
  return {
    lagSeconds: Math.round(Math.max(...syncs.map(lagOf)) * 1000) / 1000,
    waiting: syncs.reduce((n, s) => n + s.waitingChanges, 0),
  }
}

/** The sync following the plan's source into its target on an environment, if one does. */
export async function followingSync(planId: string, environmentId: string) {
  return db.sync.findFirst({
    where: { planId, environmentId, status: 'FOLLOWING', direction: 'FORWARD' },
    select: { id: true, scope: true },
  })
}

/** The sync's figures as its follower last wrote them. */
export async function syncLag(id: string) {
  return db.sync.findUnique({
    where: { id },
    select: { status: true, lagAt: true, lagSeconds: true, waitingChanges: true },
  })
}

/** The fallback of a forward sync that switched: the target's changes back into the old source (made, not yet following). */
export async function openReverseSync(
  forward: {
    id: string
    planId: string
    stepId: string
    environmentId: string
    source: string
    target: string
    runId: string | null
  },
  scope: SyncScope,
) {
  const data = {
    ...freshSync(),
    forwardId: forward.id,
    runId: forward.runId,
    engine: 'POSTGRES' as const,
    source: forward.target,
    target: forward.source,
    scope,
  }
  return db.sync.upsert({
    where: {
      stepId_environmentId_direction: {
        stepId: forward.stepId,
        environmentId: forward.environmentId,
        direction: 'REVERSE',
      },
    },
    create: {
      ...data,
      planId: forward.planId,
      stepId: forward.stepId,
      environmentId: forward.environmentId,
      direction: 'REVERSE',
    },
    update: data,
  })
}

/** Fallbacks of plans that are closed (completed or archived) end: the next clean-up removes their slots. */
export async function endFallbacksOfClosedPlans() {
  const { count } = await db.sync.updateMany({
    where: { direction: 'REVERSE', status: 'FOLLOWING', plan: { status: { in: ['COMPLETED', 'ARCHIVED'] } } },
    data: { status: 'ENDED', endedAt: new Date(), workerId: null, leaseUntil: null },
  })
  return count
}

type Reject = { table: string; key: string; column: string; reason: string; value: string | null }

/** Rows a follower could not write (values that do not fit), kept with its initial copy's rejected rows. */
export async function saveSyncRejects(syncId: string, rejects: readonly Reject[]) {
  if (!rejects.length) return
  const sync = await db.sync.findUniqueOrThrow({
    where: { id: syncId },
    select: { runId: true, stepId: true, scope: true },
  })
  const copyId = (sync.scope as { copyId?: unknown }).copyId
  const stepRun = sync.runId
    ? await db.stepRun.findFirst({ where: { runId: sync.runId, stepId: sync.stepId }, select: { id: true } })
    : null
  if (typeof copyId === 'string' && stepRun) await saveCopyRejects(stepRun.id, copyId, rejects)
}

/** The keys of the rows a sync's copy (and its follower) rejected, per table. */
export async function syncRejectedKeys(scope: unknown): Promise<Map<string, Set<string>>> {
  const copyId = (scope as { copyId?: unknown } | null)?.copyId
  const keys = new Map<string, Set<string>>()
  if (typeof copyId !== 'string') return keys
  const rows = await db.copyReject.findMany({ where: { copyId }, select: { tableName: true, rowKey: true } })
  for (const r of rows) keys.set(r.tableName, (keys.get(r.tableName) ?? new Set()).add(r.rowKey))
  return keys
}
