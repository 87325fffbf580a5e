import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db, type Prisma } from '@/lib/db'
import type { BackupFormat, BackupStatus } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { withoutServerPaths } from '@/lib/server/paths'
import { ZId } from '@/lib/server/fields'

// Reading backups: a plan's latest ones, and the artifact a run's backup step made. Every role may read
// them; the file name (relative to the backup directory, never the absolute path) and the tool's error
// (it can name hosts and users) are editors' business.

export type BackupDTO = {
  id: string
  status: BackupStatus
  format: BackupFormat
  connectionName: string
  /** Empty: the whole database. */
  tables: string[]
  /** Relative to the backup directory; null for readers who are not editors. */
  fileName: string | null
  sizeBytes: number | null
  sha256: string | null
  toolVersion: string | null
  serverVersion: string | null
  /** What reading the artifact back found ("table of contents read (pg_restore --list): 3 tables, 12 entries"): not a restore. */
  verification: string | null
  /** The latest restore of it that succeeded – the proof that it restores; null while it was never restored. */
  lastRestore: { intoConnectionName: string; finishedAt: string } | null
  error: string | null
  createdAt: string
  verifiedAt: string | null
  finishedAt: string | null
}

export const BACKUP_SELECT = {
  id: true,
  status: true,
  format: true,
  connectionName: true,
  tables: true,
  fileName: true,
  sizeBytes: true,
  sha256: true,
  toolVersion: true,
  serverVersion: true,
  verification: true,
  error: true,
  createdAt: true,
  verifiedAt: true,
  finishedAt: true,
  restores: {
    where: { status: 'SUCCEEDED' },
    orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
    take: 1,
    select: { connectionName: true, finishedAt: true },
  },
} as const satisfies Prisma.BackupSelect

type BackupRow = Prisma.BackupGetPayload<{ select: typeof BACKUP_SELECT }>

/** Whether `actor` may read where backups are written and why one failed. */
export const seesBackupDetails = (actor: UserActor) => can(actor.role, 'connection:read')

function restoredOf(row: BackupRow): BackupDTO['lastRestore'] {
  const restore = row.restores[0]
  return restore?.finishedAt
    ? { intoConnectionName: restore.connectionName, finishedAt: restore.finishedAt.toISOString() }
    : null
}

export function toBackupDTO(row: BackupRow, details: boolean): BackupDTO {
  return {
    id: row.id,
    status: row.status,
    format: row.format,
    connectionName: row.connectionName,
    tables: row.tables,
    // Empty until the artifact is named, a moment after the row is created.
    fileName: details && row.fileName ? row.fileName : null,
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    sha256: row.sha256,
    toolVersion: row.toolVersion,
    serverVersion: row.serverVersion,
    verification: row.verification,
    lastRestore: restoredOf(row),
    // Also for rows written before errors were stored without the server's paths.
    error:
      row.error === null ? null : details ? withoutServerPaths(row.error) : 'The backup failed; editors can read why.',
    createdAt: row.createdAt.toISOString(),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }
}

export const PLAN_BACKUPS_SHOWN = 10

/** Any signed-in role (plan:read): the plan's latest backups, newest first. Unknown id: not found. */
export async function listPlanBackups(actor: UserActor, planId: string): Promise<BackupDTO[]> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const rows = await db.backup.findMany({
    where: { planId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: PLAN_BACKUPS_SHOWN,
    select: BACKUP_SELECT,
  })
  return rows.map((row) => toBackupDTO(row, seesBackupDetails(actor)))
}
