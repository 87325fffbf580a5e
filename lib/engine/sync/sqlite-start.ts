import Database from 'better-sqlite3'
import type pg from 'pg'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { runCopy, type CopyOptions } from '@/lib/engine/copy/engine'
import type { CopySummary } from '@/lib/engine/copy/model'
import { readMappedSqliteSchema } from '@/lib/engine/copy/sqlite-mapping'
import { sqliteSource } from '@/lib/engine/copy/sqlite-source'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { ensureSyncState, forgetSync, recordSyncStart } from './apply'
import { captureOwner, installCapture } from './sqlite-capture'
import { SyncRefused } from './model'

// The start of a SQLite source's sync: the capture first (every change from then on is recorded), then the
// initial copy. The copy need not read one snapshot: any row that changes while it reads is recorded, and the
// feed brings every recorded key to its latest state (sqlite-feed.ts) – so copy and changes meet exactly.
// Interrupted, the copy resumes where it got to, the changes still recorded; a capture that was removed in
// between (changes lost) makes the copy start again from the beginning.

export type SqliteSyncStart = Omit<CopyOptions, 'session' | 'target' | 'source' | 'tables'> & {
  syncId: string
  path: string
  label: string
  tables?: readonly string[]
  mapping: TCopyMapping
  session: pg.Client
  target: PostgresTarget
  /** A person agreed that triggers and a change table go into the file until the sync ends. */
  captureConfirmed: boolean
}

export async function startSqliteSync(o: SqliteSyncStart): Promise<CopySummary> {
  if (!o.captureConfirmed)
    throw new SyncRefused(
      `Keeping ${o.label} in sync adds triggers and a change table (${'_lockstep_sync_…'}) to the file until the sync ends; nothing was changed. Confirm it on the step first.`,
    )
  const db = new Database(o.path, { readonly: true, fileMustExist: true })
  let tables
  try {
    tables = readMappedSqliteSchema(db, o.tables?.length ? o.tables : undefined, o.mapping)
  } finally {
    db.close()
  }
  const fresh = captureOwner(o.path) !== o.syncId
  installCapture(
    o.path,
    o.label,
    o.syncId,
    tables.map((t) => ({ name: t.name, key: t.primaryKey })),
  )
  await ensureSyncState(o.session)
  // A record left by a capture that is gone would skip the changes made since: it starts over.
  if (fresh) await forgetSync(o.session, o.syncId)
  await recordSyncStart(o.session, o.syncId, '0')
  const source = sqliteSource(o.path, o.label, { mapping: o.mapping })
  try {
    return await runCopy({
      ...o,
      source,
      tables: o.tables?.length ? o.tables : undefined,
      reload: fresh || o.reload,
    })
  } finally {
    await source.close()
  }
}
