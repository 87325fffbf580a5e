import Database from 'better-sqlite3'
import { quoteIdent } from '@/lib/targets/quote'
import { SyncRefused } from './model'

// Change capture inside a SQLite file: triggers on each synced table record the key of every row inserted,
// updated or deleted into a change table in the same file, in the writing transaction – so a change is
// captured exactly when it commits, and the application's write grows by one small insert. The follower
// reads the recorded keys in order (sqlite-feed.ts) and deletes what the target has committed – all but the
// newest row, so that numbers keep growing without AUTOINCREMENT (whose sqlite_sequence table would outlive the
// sync). When the sync ends, the triggers and the tables go: nothing is left behind.

/** Every object of Lockstep's in a source file starts so; copies, validations and profiles leave them out. */
export const CAPTURE_PREFIX = '_lockstep_sync'
export const CHANGE_TABLE = `${CAPTURE_PREFIX}_changes`
const OWNER_TABLE = `${CAPTURE_PREFIX}_owner`
/** Keys wider than this are not captured (no real schema has one). */
export const MAX_KEY_COLUMNS = 8
/** A write of the application waits at most this long for the follower's short transactions (and they for it). */
export const BUSY_TIMEOUT_MS = 5_000

export type CapturedTable = { name: string; key: readonly string[] }

const keyColumns = Array.from({ length: MAX_KEY_COLUMNS }, (_, i) => `k${i + 1}`)
const triggerName = (table: string, what: 'ins' | 'upd' | 'del') => quoteIdent(`${CAPTURE_PREFIX}_${what}_${table}`)
const NOW = `((julianday('now') - 2440587.5) * 86400.0)`

export function openForCapture(path: string) {
  return new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
}

/** The file in WAL mode (readers never block the application's writes); refused when it cannot be switched now. */
function requireWal(db: Database.Database, label: string) {
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase()
  if (mode === 'wal') return
  try {
    const now = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase()
    if (now === 'wal') return
  } catch {
    // Refused below with what to do.
  }
  throw new SyncRefused(
    `${label} is in ${mode} journal mode, and it could not be switched to WAL while the application holds it open: in that mode every read of the sync would block the application's writes. Run PRAGMA journal_mode=WAL on the file once while the application is stopped (it stays set), then start the sync again.`,
  )
}

/** A SQL string literal of `text`. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

function triggersOf(t: CapturedTable): string[] {
  const on = quoteIdent(t.name)
  const keys = (row: 'NEW' | 'OLD') =>
    `INSERT INTO ${CHANGE_TABLE} (tbl, at, ${t.key.map((_, i) => keyColumns[i]).join(', ')}) VALUES (${literal(t.name)}, ${NOW}, ${t.key.map((k) => `${row}.${quoteIdent(k)}`).join(', ')});`
  const moved = t.key.map((k) => `OLD.${quoteIdent(k)} IS NOT NEW.${quoteIdent(k)}`).join(' OR ')
  return [
    `CREATE TRIGGER IF NOT EXISTS ${triggerName(t.name, 'ins')} AFTER INSERT ON ${on} BEGIN ${keys('NEW')} END`,
    // An update that changes the key moves the row: its old key is recorded too (it is gone from the source).
    `CREATE TRIGGER IF NOT EXISTS ${triggerName(t.name, 'upd')} AFTER UPDATE ON ${on} BEGIN ${keys('NEW')} INSERT INTO ${CHANGE_TABLE} (tbl, at, ${t.key.map((_, i) => keyColumns[i]).join(', ')}) SELECT ${literal(t.name)}, ${NOW}, ${t.key.map((k) => `OLD.${quoteIdent(k)}`).join(', ')} WHERE ${moved}; END`,
    `CREATE TRIGGER IF NOT EXISTS ${triggerName(t.name, 'del')} AFTER DELETE ON ${on} BEGIN ${keys('OLD')} END`,
  ]
}

/**
 * Installs the capture for `tables` in one short write transaction (the application waits at most for that).
 * Refused when another sync already captures changes in this file. Installing again for the same sync keeps
 * what it recorded (a resumed sync).
 */
export function installCapture(path: string, label: string, syncId: string, tables: readonly CapturedTable[]) {
  for (const t of tables) {
    if (!t.key.length)
      throw new SyncRefused(
        `The table ${t.name} has no primary key: a change to one of its rows cannot be found again on the target, so it cannot be kept in sync. Give it a primary key, or leave it out of the sync (and copy it at the cutover).`,
      )
    if (t.key.length > MAX_KEY_COLUMNS)
      throw new SyncRefused(
        `The table ${t.name} has a primary key of ${t.key.length} columns; a sync takes at most ${MAX_KEY_COLUMNS}.`,
      )
  }
  const db = openForCapture(path)
  try {
    requireWal(db, label)
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${OWNER_TABLE} (sync_id TEXT NOT NULL, started_at TEXT NOT NULL)`)
      const owner = db.prepare(`SELECT sync_id FROM ${OWNER_TABLE}`).pluck().get() as string | undefined
      if (owner && owner !== syncId)
        throw new SyncRefused(
          `${label} is already followed by another sync (${owner}); a file can feed one sync at a time. End that sync, or remove its capture, first.`,
        )
      if (!owner) db.prepare(`INSERT INTO ${OWNER_TABLE} VALUES (?, datetime('now'))`).run(syncId)
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${CHANGE_TABLE} (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, at REAL NOT NULL, ${keyColumns.join(', ')})`,
      )
      db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${CHANGE_TABLE}_tbl`)} ON ${CHANGE_TABLE} (tbl, seq)`)
      for (const t of tables) for (const sql of triggersOf(t)) db.exec(sql)
    }).immediate()
  } finally {
    db.close()
  }
}

/** The sync whose capture a file holds, or null. */
export function captureOwner(path: string): string | null {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
  try {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(OWNER_TABLE)
    return exists
      ? ((db.prepare(`SELECT sync_id FROM ${OWNER_TABLE}`).pluck().get() as string | undefined) ?? null)
      : null
  } finally {
    db.close()
  }
}

/** Removes the triggers and tables of the capture (of `syncId` only, when given); the file is as it was. */
export function removeCapture(path: string, syncId?: string): boolean {
  const db = openForCapture(path)
  try {
    return db
      .transaction(() => {
        const objects = db
          .prepare(
            `SELECT type, name FROM sqlite_master WHERE name LIKE ? ESCAPE '\\' AND type IN ('trigger', 'table')`,
          )
          .all(`${CAPTURE_PREFIX.replace(/_/g, '\\_')}%`) as { type: string; name: string }[]
        if (!objects.length) return false
        if (syncId && objects.some((o) => o.name === OWNER_TABLE)) {
          const owner = db.prepare(`SELECT sync_id FROM ${OWNER_TABLE}`).pluck().get() as string | undefined
          if (owner && owner !== syncId) return false
        }
        for (const o of objects.filter((o) => o.type === 'trigger'))
          db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(o.name)}`)
        for (const o of objects.filter((o) => o.type === 'table')) db.exec(`DROP TABLE IF EXISTS ${quoteIdent(o.name)}`)
        return true
      })
      .immediate()
  } finally {
    db.close()
  }
}
