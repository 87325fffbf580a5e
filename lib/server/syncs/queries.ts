import 'server-only'
import { db } from '@/lib/db'
import type { ConnectionEngine, SyncStatus } from '@/lib/generated/prisma/enums'
import { SYNC_STATUS_WORDS, ZSyncTableLag, type SyncTableLag } from '@/lib/domain/sync'
import type { UserActor } from '@/lib/server/actor'
import { can } from '@/lib/auth/permissions'
import { assertCan, seesRowData } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { z } from 'zod'

// Syncs as the run page, the plan page and the monitoring view show them: status, lag (live while a follower
// writes it), the cutover's downtime. Table names and counts only – never a row; the follower's last error
// for editors only (it can quote values and connection details).

/** A follower writes its lag about once a second; older than this, the figures are not live. */
const LIVE_MS = 10_000

export type SyncDTO = {
  id: string
  stepId: string
  stepName: string
  environmentName: string
  status: SyncStatus
  statusWords: string
  engine: ConnectionEngine
  source: string
  target: string
  appliedChanges: number
  waitingChanges: number
  lagSeconds: number
  lagTables: SyncTableLag[]
  lagAt: string | null
  /** A follower (or a cutover) wrote the figures within the last few seconds. */
  isLive: boolean
  lastAppliedAt: string | null
  error: string | null
  startedAt: string
  writesStoppedAt: string | null
  switchedAt: string | null
  downtimeMs: number | null
  endedAt: string | null
  /** A DBA may end it without a cutover. */
  canEnd: boolean
}

export const SYNC_SELECT = {
  id: true,
  stepId: true,
  status: true,
  engine: true,
  source: true,
  target: true,
  appliedChanges: true,
  waitingChanges: true,
  lagSeconds: true,
  lagTables: true,
  lagAt: true,
  lastAppliedAt: true,
  error: true,
  startedAt: true,
  writesStoppedAt: true,
  switchedAt: true,
  downtimeMs: true,
  endedAt: true,
  step: { select: { name: true } },
  environment: { select: { name: true } },
} as const

type SyncRow = Awaited<ReturnType<typeof db.sync.findFirstOrThrow<{ select: typeof SYNC_SELECT }>>>

const iso = (d: Date | null) => d?.toISOString() ?? null

export function toSyncDTO(s: SyncRow, actor: UserActor, now = Date.now()): SyncDTO {
  const active = s.status === 'FOLLOWING' || s.status === 'CUTTING_OVER'
  const lagTables = z.array(ZSyncTableLag).safeParse(s.lagTables)
  return {
    id: s.id,
    stepId: s.stepId,
    stepName: s.step.name,
    environmentName: s.environment.name,
    status: s.status,
    statusWords: SYNC_STATUS_WORDS[s.status],
    engine: s.engine,
    source: s.source,
    target: s.target,
    appliedChanges: Number(s.appliedChanges),
    waitingChanges: s.waitingChanges,
    lagSeconds: s.lagSeconds,
    lagTables: lagTables.success ? lagTables.data : [],
    lagAt: iso(s.lagAt),
    isLive: active && !!s.lagAt && now - s.lagAt.getTime() < LIVE_MS,
    lastAppliedAt: iso(s.lastAppliedAt),
    error: s.error && !seesRowData(actor) ? 'The follower recorded a problem; editors can read it.' : s.error,
    startedAt: s.startedAt.toISOString(),
    writesStoppedAt: iso(s.writesStoppedAt),
    switchedAt: iso(s.switchedAt),
    downtimeMs: s.downtimeMs,
    endedAt: iso(s.endedAt),
    canEnd: s.status === 'FOLLOWING' && can(actor.role, 'run:resolve'),
  }
}

/** Everyone who reads runs: the syncs of a plan (on an environment, when named), newest first; a plan that does not exist is not found. */
export async function listSyncs(
  actor: UserActor,
  where: { planId: string; environmentId?: string },
): Promise<SyncDTO[]> {
  assertCan(actor, 'run:read')
  // A foreign id answers "not found", as everywhere, rather than an empty list.
  if (!(await db.plan.findUnique({ where: { id: where.planId }, select: { id: true } }))) throw notFound('Plan')
  const rows = await db.sync.findMany({ where, select: SYNC_SELECT, orderBy: { startedAt: 'desc' } })
  return rows.map((r) => toSyncDTO(r, actor))
}

/** The syncs of the plans whose target on its environment is this connection (the monitoring view). */
export async function syncsIntoConnection(actor: UserActor, connectionId: string): Promise<SyncDTO[]> {
  assertCan(actor, 'run:read')
  const links = await db.planEnvironment.findMany({
    where: { targetConnectionId: connectionId },
    select: { planId: true, environmentId: true },
  })
  if (!links.length) return []
  const rows = await db.sync.findMany({
    where: { OR: links, status: { in: ['COPYING', 'FOLLOWING', 'CUTTING_OVER'] } },
    select: SYNC_SELECT,
    orderBy: { startedAt: 'desc' },
  })
  return rows.map((r) => toSyncDTO(r, actor))
}
