import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import type { RestoreStatus } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { withoutServerPaths } from '@/lib/server/paths'
import { ZId } from '@/lib/server/fields'
import {
  listPendingRehearsals,
  listPhaseRehearsals,
  type PendingRehearsalDTO,
  type PhaseRehearsalDTO,
} from '@/lib/server/rehearsals/queries'
import { listPlanBackups, seesBackupDetails, type BackupDTO } from './queries'
import { confirmationNameOf, isSameDatabase } from './rules'

// A plan's recovery picture in one read, for the plan page and its live refresh: the latest backups, the
// restores of them, and the rollback rehearsals (finished and under way). DBAs also get, per backup, the
// connections it can be restored into and which of those is the database it came from.

export type RestoreDTO = {
  id: string
  backupId: string
  backupTakenAt: string
  fromConnectionName: string
  intoConnectionName: string
  overSource: boolean
  status: RestoreStatus
  /** Dump entries (PostgreSQL) or percent (SQLite) restored, of `total`; 0 of 0 until the worker counts. */
  done: number
  total: number
  requestedByName: string
  /** The tool's message, for editors; a generic line for others. */
  error: string | null
  createdAt: string
  finishedAt: string | null
}

export type RestoreChoiceDTO = {
  connectionId: string
  name: string
  environmentName: string
  /** Set when this is the database the backup came from: what the DBA must type to restore over it. */
  confirmName: string | null
}

export type PlanRecoveryDTO = {
  backups: BackupDTO[]
  restores: RestoreDTO[]
  rehearsals: PhaseRehearsalDTO[]
  pendingRehearsals: PendingRehearsalDTO[]
  /** Per verified backup, for DBAs only (null for everyone else). */
  restoreChoices: Record<string, RestoreChoiceDTO[]> | null
  /** Something is queued or running: the page keeps refreshing this. */
  busy: boolean
}

export const PLAN_RESTORES_SHOWN = 5

/** Any signed-in role (plan:read): the restores of the plan's backups, newest first. */
export async function listPlanRestores(actor: UserActor, planId: string): Promise<RestoreDTO[]> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const rows = await db.restore.findMany({
    where: { backup: { planId } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: PLAN_RESTORES_SHOWN,
    include: { backup: { select: { createdAt: true, connectionName: true } }, requestedBy: { select: { name: true } } },
  })
  const details = seesBackupDetails(actor)
  return rows.map((r) => ({
    id: r.id,
    backupId: r.backupId,
    backupTakenAt: r.backup.createdAt.toISOString(),
    fromConnectionName: r.backup.connectionName,
    intoConnectionName: r.connectionName,
    overSource: r.overSource,
    status: r.status,
    done: r.done,
    total: r.total,
    requestedByName: r.requestedBy.name,
    error:
      r.error === null ? null : details ? withoutServerPaths(r.error) : 'The restore failed; editors can read why.',
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }))
}

const ENDPOINT = { id: true, engine: true, host: true, port: true, database: true, filePath: true } as const

/** DBAs only (backup:restore), else null: the connections each verified backup can be restored into. */
async function restoreChoicesFor(
  actor: UserActor,
  backups: BackupDTO[],
): Promise<Record<string, RestoreChoiceDTO[]> | null> {
  if (!can(actor.role, 'backup:restore')) return null
  const verified = backups.filter((b) => b.status === 'VERIFIED')
  if (verified.length === 0) return {}
  const [sources, connections] = await Promise.all([
    db.backup.findMany({
      where: { id: { in: verified.map((b) => b.id) } },
      select: { id: true, connection: { select: ENDPOINT } },
    }),
    db.connection.findMany({
      orderBy: [{ environment: { name: 'asc' } }, { name: 'asc' }],
      select: { ...ENDPOINT, name: true, environment: { select: { name: true } } },
    }),
  ])
  const sourceOf = new Map(sources.map((s) => [s.id, s.connection]))
  return Object.fromEntries(
    verified.map((b) => {
      const source = sourceOf.get(b.id) ?? null
      const kind = b.format === 'PG_DUMP' ? 'POSTGRES' : 'SQLITE'
      const choices = connections
        .filter((c) => c.engine === kind)
        .map((c) => ({
          connectionId: c.id,
          name: c.name,
          environmentName: c.environment.name,
          confirmName: source && isSameDatabase(source, c) ? confirmationNameOf(c) : null,
        }))
      return [b.id, choices]
    }),
  )
}

/** Any signed-in role (plan:read): backups, restores and rehearsals of a plan; restore choices for DBAs. */
export async function getPlanRecovery(actor: UserActor, planId: string): Promise<PlanRecoveryDTO> {
  const [backups, restores, rehearsals, pendingRehearsals] = await Promise.all([
    listPlanBackups(actor, planId),
    listPlanRestores(actor, planId),
    listPhaseRehearsals(actor, planId),
    listPendingRehearsals(actor, planId),
  ])
  const busy =
    pendingRehearsals.length > 0 ||
    restores.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING') ||
    backups.some((b) => b.status === 'RUNNING')
  return {
    backups,
    restores,
    rehearsals,
    pendingRehearsals,
    restoreChoices: await restoreChoicesFor(actor, backups),
    busy,
  }
}
