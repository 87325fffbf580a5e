import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { withoutServerPaths } from '@/lib/server/paths'
import { transitionBackup } from '@/lib/server/backups/transition'
import type { PlanSource } from '@/lib/server/runs/target'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { dumpPostgres, verifyPostgresDump } from './postgres'
import { backupSqlite, verifySqliteBackup } from './sqlite'

// Backup artifacts: written under the backup directory, measured, checksummed and verified, recorded as a
// Backup row from the moment they start (a worker that dies leaves a RUNNING row, not a silent gap), and
// pruned by the retention setting.

/** What to back up: a PostgreSQL database (the plan's target or a PostgreSQL source) or a SQLite file. */
export type BackupSubject = { connectionId: string | null; name: string } & (
  { engine: 'POSTGRES'; target: PostgresTarget } | { engine: 'SQLITE'; path: string }
)

export const subjectOfSource = (source: PlanSource): BackupSubject =>
  source.engine === 'SQLITE'
    ? { connectionId: source.connectionId, name: source.name, engine: 'SQLITE', path: source.path }
    : { connectionId: source.connectionId, name: source.name, engine: 'POSTGRES', target: source.target }

export function backupDir(): string {
  const dir = appEnv().LOCKSTEP_BACKUP_DIR
  if (!dir)
    throw new Error('Backups are not configured: set LOCKSTEP_BACKUP_DIR to the directory backups are written to.')
  return resolve(dir)
}

/** The artifact's absolute path; refuses a stored name that would lead outside the backup directory. */
export function artifactPath(fileName: string): string {
  const root = backupDir()
  const path = resolve(root, fileName)
  if (!path.startsWith(root + sep)) throw new Error('The backup file name leads outside the backup directory.')
  return path
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'database'

export type BackupOutcome =
  | { id: string; ok: true; fileName: string; sizeBytes: number; sha256: string; verification: string }
  | { id: string; ok: false; error: string }

/** Backs `subject` up (only `tables`, if any), verifies the artifact and records it. Never throws for a failed backup. */
export async function takeBackup(
  subject: BackupSubject,
  options: {
    planId?: string | null
    stepRunId?: string | null
    tables?: string[]
    signal?: AbortSignal
    onProgress?: (done: number) => void
  } = {},
): Promise<BackupOutcome> {
  const tables = options.tables ?? []
  const now = new Date()
  const extension = subject.engine === 'SQLITE' ? 'sqlite' : 'dump'
  // A retried or resumed step takes a new backup: the earlier attempt stays as history (of its plan), and
  // the step run names the latest one.
  if (options.stepRunId)
    await db.backup.updateMany({ where: { stepRunId: options.stepRunId }, data: { stepRunId: null } })
  const row = await db.backup.create({
    data: {
      planId: options.planId ?? null,
      connectionId: subject.connectionId,
      connectionName: subject.name,
      stepRunId: options.stepRunId ?? null,
      format: subject.engine === 'SQLITE' ? 'SQLITE' : 'PG_DUMP',
      tables,
      fileName: '',
    },
    select: { id: true },
  })
  const fileName = join(
    now.toISOString().slice(0, 10),
    `${slug(subject.name)}-${now.toISOString().slice(11, 19).replace(/:/g, '')}-${row.id.slice(-8)}.${extension}`,
  )
  try {
    const path = artifactPath(fileName)
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    await db.backup.update({ where: { id: row.id }, data: { fileName } })
    const versions =
      subject.engine === 'SQLITE'
        ? await backupSqlite(subject.path, path, options.onProgress)
        : await dumpPostgres(subject.target, path, { tables, signal: options.signal })
    const verification = subject.engine === 'SQLITE' ? verifySqliteBackup(path) : await verifyPostgresDump(path)
    const [{ size }, sha256] = await Promise.all([stat(path), sha256Of(path)])
    await transitionBackup(db, row.id, 'RUNNING', 'VERIFIED', {
      sizeBytes: BigInt(size),
      sha256,
      toolVersion: versions.tool,
      serverVersion: versions.server,
      verification,
      verifiedAt: new Date(),
      finishedAt: new Date(),
    })
    return { id: row.id, ok: true, fileName, sizeBytes: size, sha256, verification }
  } catch (error) {
    const message = withoutServerPaths((error as Error).message)
    await rm(artifactPath(fileName), { force: true }).catch(() => undefined)
    await transitionBackup(db, row.id, 'RUNNING', 'FAILED', { error: message, finishedAt: new Date() })
    return { id: row.id, ok: false, error: message }
  }
}

/**
 * Verifies a stored artifact again: the file is there, its checksum is the recorded one, and the tool reads
 * it (pg_restore --list, or integrity_check). A failure marks the backup FAILED with the reason.
 */
export async function verifyBackup(
  backupId: string,
): Promise<{ ok: true; verification: string } | { ok: false; error: string }> {
  const backup = await db.backup.findUniqueOrThrow({ where: { id: backupId } })
  try {
    if (backup.status === 'PRUNED') throw new Error('The backup was pruned by the retention setting; its file is gone.')
    const path = artifactPath(backup.fileName)
    const sha256 = await sha256Of(path).catch(() => {
      throw new Error(`The backup file ${backup.fileName} is missing from the backup directory.`)
    })
    if (sha256 !== backup.sha256)
      throw new Error(
        `The backup file was changed since it was taken: its checksum is ${sha256.slice(0, 12)}…, not ${backup.sha256?.slice(0, 12)}….`,
      )
    const verification = backup.format === 'SQLITE' ? verifySqliteBackup(path) : await verifyPostgresDump(path)
    await transitionBackup(db, backupId, backup.status, 'VERIFIED', {
      verification,
      verifiedAt: new Date(),
      error: null,
    })
    return { ok: true, verification }
  } catch (error) {
    const message = withoutServerPaths((error as Error).message)
    // A pruned backup stays pruned (nothing moves on from it); only the reason is kept.
    if (backup.status === 'PRUNED') await db.backup.update({ where: { id: backupId }, data: { error: message } })
    else await transitionBackup(db, backupId, backup.status, 'FAILED', { error: message })
    return { ok: false, error: message }
  }
}

/** Removes the files of backups older than the retention (their rows stay, PRUNED); returns how many. */
export async function pruneBackups(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - appEnv().LOCKSTEP_BACKUP_RETENTION_DAYS * 86_400_000)
  const old = await db.backup.findMany({
    where: { status: { in: ['VERIFIED', 'FAILED'] }, createdAt: { lt: before } },
    select: { id: true, fileName: true },
  })
  for (const backup of old) {
    if (backup.fileName) await rm(artifactPath(backup.fileName), { force: true })
    await transitionBackup(db, backup.id, ['VERIFIED', 'FAILED'], 'PRUNED', { prunedAt: now })
  }
  return old.length
}
