import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import { ZDriftReport, type DriftObject } from '@/lib/domain/drift'
import { parseStored } from '@/lib/domain/stored-json'
import type { DriftStatus, DriftTrigger } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// Presenters of drift: a target connection's record and checks with what the newest found (editors), and the
// drift of each target of a plan in a line (every reader of the plan: counts and times, never object names to
// those who may not see connections).

export type DriftCheckDTO = {
  id: string
  status: DriftStatus
  trigger: DriftTrigger
  createdAt: string
  finishedAt: string | null
  objects: number
  error: string | null
  runId: string | null
  acknowledged: { by: string; at: string; reason: string } | null
}

export type ConnectionDriftDTO = {
  connection: { id: string; name: string; environmentName: string; protected: boolean }
  record: { takenAt: string; runId: string | null; objects: number } | null
  /** The newest finished check, with what it found. */
  latest: (DriftCheckDTO & { found: DriftObject[] }) | null
  /** A check queued or running now. */
  pending: DriftCheckDTO | null
  history: DriftCheckDTO[]
  canCheck: boolean
  canAcknowledge: boolean
}

const CHECK_SELECT = {
  id: true,
  status: true,
  trigger: true,
  createdAt: true,
  finishedAt: true,
  objects: true,
  error: true,
  runId: true,
  report: true,
  acknowledgedAt: true,
  acknowledgeReason: true,
  acknowledgedBy: { select: { name: true } },
} as const

type CheckRow = {
  id: string
  status: DriftStatus
  trigger: DriftTrigger
  createdAt: Date
  finishedAt: Date | null
  objects: number
  error: string | null
  runId: string | null
  acknowledgedAt: Date | null
  acknowledgeReason: string | null
  acknowledgedBy: { name: string } | null
}

const toCheckDTO = (c: CheckRow): DriftCheckDTO => ({
  id: c.id,
  status: c.status,
  trigger: c.trigger,
  createdAt: c.createdAt.toISOString(),
  finishedAt: c.finishedAt?.toISOString() ?? null,
  objects: c.objects,
  error: c.error,
  runId: c.runId,
  acknowledged: c.acknowledgedAt
    ? {
        by: c.acknowledgedBy?.name ?? 'a former user',
        at: c.acknowledgedAt.toISOString(),
        reason: c.acknowledgeReason ?? '',
      }
    : null,
})

const HISTORY = 20

/** Editors (they may see connections): a connection's drift – its record, the newest check's findings, the history. */
export async function getConnectionDrift(actor: UserActor, connectionId: string): Promise<ConnectionDriftDTO> {
  assertCan(actor, 'connection:read')
  if (!ZId.safeParse(connectionId).success) throw notFound('Connection')
  const connection = await db.connection.findUnique({
    where: { id: connectionId },
    select: { id: true, name: true, engine: true, environment: { select: { name: true, protected: true } } },
  })
  if (!connection || connection.engine !== 'POSTGRES') throw notFound('Connection')
  const [record, checks] = await Promise.all([
    db.schemaRecord.findFirst({
      where: { connectionId },
      orderBy: { takenAt: 'desc' },
      select: { takenAt: true, runId: true, objects: true },
    }),
    db.driftCheck.findMany({
      where: { connectionId },
      orderBy: { createdAt: 'desc' },
      take: HISTORY,
      select: CHECK_SELECT,
    }),
  ])
  const finished = checks.find((c) => c.status !== 'QUEUED' && c.status !== 'RUNNING')
  const pending = checks.find((c) => c.status === 'QUEUED' || c.status === 'RUNNING')
  return {
    connection: {
      id: connection.id,
      name: connection.name,
      environmentName: connection.environment.name,
      protected: connection.environment.protected,
    },
    record: record ? { takenAt: record.takenAt.toISOString(), runId: record.runId, objects: record.objects } : null,
    latest: finished
      ? {
          ...toCheckDTO(finished),
          found: finished.report
            ? (parseStored(ZDriftReport, finished.report, `drift check ${finished.id}`)?.objects ?? [])
            : [],
        }
      : null,
    pending: pending ? toCheckDTO(pending) : null,
    history: checks.map(toCheckDTO),
    canCheck: can(actor.role, 'connection:read'),
    canAcknowledge: can(actor.role, 'run:start-protected'),
  }
}

export type PlanDriftDTO = {
  environmentName: string
  /** Null for those who may not open connections. */
  connectionId: string | null
  objects: number
  checkedAt: string
  acknowledged: boolean
}[]

/** Each target of the plan whose newest finished drift check found drift. Callers authorize. */
export async function driftedTargetsOf(planId: string) {
  const links = await db.planEnvironment.findMany({
    where: { planId, targetConnectionId: { not: null } },
    select: { targetConnectionId: true, environment: { select: { name: true } } },
    orderBy: { environment: { name: 'asc' } },
  })
  const rows: {
    environmentName: string
    connectionId: string
    objects: number
    checkedAt: string
    acknowledged: boolean
  }[] = []
  for (const link of links) {
    if (!link.targetConnectionId) continue
    const latest = await db.driftCheck.findFirst({
      where: { connectionId: link.targetConnectionId, status: { in: ['CLEAN', 'DRIFTED', 'RECORDED'] } },
      orderBy: { finishedAt: 'desc' },
      select: { status: true, objects: true, finishedAt: true, acknowledgedAt: true },
    })
    if (latest?.status !== 'DRIFTED' || !latest.finishedAt) continue
    rows.push({
      environmentName: link.environment.name,
      connectionId: link.targetConnectionId,
      objects: latest.objects,
      checkedAt: latest.finishedAt.toISOString(),
      acknowledged: latest.acknowledgedAt !== null,
    })
  }
  return rows
}

/** Every reader of the plan: its drifted targets (the connection only to those who may open connections). */
export async function getPlanDrift(actor: UserActor, planId: string): Promise<PlanDriftDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const sees = can(actor.role, 'connection:read')
  return (await driftedTargetsOf(planId)).map((d) => ({ ...d, connectionId: sees ? d.connectionId : null }))
}

export type DriftSummaryDTO = {
  connectionId: string
  status: DriftStatus | null
  objects: number
  checkedAt: string | null
  acknowledged: boolean
}

/** Editors: a PostgreSQL connection's newest finished drift check in a line (null for other connections). */
export async function getDriftSummary(actor: UserActor, connectionId: string): Promise<DriftSummaryDTO | null> {
  assertCan(actor, 'connection:read')
  if (!ZId.safeParse(connectionId).success) return null
  const connection = await db.connection.findUnique({ where: { id: connectionId }, select: { engine: true } })
  if (connection?.engine !== 'POSTGRES') return null
  const latest = await db.driftCheck.findFirst({
    where: { connectionId, status: { notIn: ['QUEUED', 'RUNNING'] } },
    orderBy: { finishedAt: 'desc' },
    select: { status: true, objects: true, finishedAt: true, acknowledgedAt: true },
  })
  return {
    connectionId,
    status: latest?.status ?? null,
    objects: latest?.objects ?? 0,
    checkedAt: latest?.finishedAt?.toISOString() ?? null,
    acknowledged: !!latest?.acknowledgedAt,
  }
}
