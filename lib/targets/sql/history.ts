import { createHash } from 'node:crypto'
import type pg from 'pg'
import { ensureBookkeeping, qualified } from '@/lib/targets/bookkeeping'
import type { RehearsalStep } from '@/lib/domain/rehearsal'

// Lockstep's history table on a target (in Lockstep's own schema there, lib/targets/bookkeeping.ts): one row per applied script version with its checksum, so a
// script is never applied twice and an edited one is noticed; failures stay until someone resolves them.
// `transaction_mode` says how the script ran: `lockstep` (in Lockstep's one transaction), `script` (as
// written, in the script's own BEGIN … COMMIT), `none` (statement by statement, outside a transaction).

export const HISTORY_TABLE = qualified('history')

export const checksumOf = (sql: string) => createHash('sha256').update(sql, 'utf8').digest('hex')

/** sha256 over each step's body and rollback checksums (the history table's own checksums), in order. */
export function rehearsalChecksum(steps: RehearsalStep[]): string {
  return checksumOf(
    steps
      .map((s) => `${checksumOf(s.body)} ${s.rollbackBody == null ? 'no-rollback' : checksumOf(s.rollbackBody)}`)
      .join('\n'),
  )
}

/** The connection of a target session (./session.ts), which holds Lockstep's lock on the target. */
type LockedSession = { client: pg.Client }

export type HistoryRow = {
  version: string
  checksum: string
  success: boolean
  statements_applied: number
  rolled_back_at: Date | null
  error: string | null
}

export async function ensureHistory(client: pg.Client) {
  await ensureBookkeeping(client, ['history'])
  await client.query(`CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
    version text PRIMARY KEY,
    description text NOT NULL,
    checksum text NOT NULL,
    applied_by text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    duration_ms integer,
    statements_applied integer NOT NULL DEFAULT 0,
    statements_total integer NOT NULL,
    success boolean NOT NULL DEFAULT false,
    rolled_back_at timestamptz,
    error text,
    transaction_mode text
  )`)
  // Targets whose history was created before the column existed; looked up first, so that the usual
  // case takes no ACCESS EXCLUSIVE lock on the table.
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'transaction_mode' AND NOT attisdropped`,
    [HISTORY_TABLE],
  )
  if (!rowCount) await client.query(`ALTER TABLE ${HISTORY_TABLE} ADD COLUMN IF NOT EXISTS transaction_mode text`)
}

/** The history says the script is undone (by its rollback, or by hand as a DBA states). */
export async function markRolledBack(session: LockedSession, version: string): Promise<void> {
  await session.client.query(`UPDATE ${HISTORY_TABLE} SET rolled_back_at = now(), success = false WHERE version = $1`, [
    version,
  ])
}

/** The history says the script is fully applied (a DBA finished it by hand); its checksum becomes the script's. */
export async function markApplied(
  session: LockedSession,
  script: { version: string; description: string; sql: string },
  appliedBy: string,
): Promise<void> {
  // The parser (a WebAssembly module) loads only here: a copy, which keeps its bookkeeping beside the history, never needs it.
  const { splitStatements } = await import('./split')
  const total = (await splitStatements(script.sql)).length
  await session.client.query(
    `INSERT INTO ${HISTORY_TABLE} (version, description, checksum, applied_by, started_at, finished_at, statements_total, statements_applied, success, error)
     VALUES ($1, $2, $3, $4, now(), now(), $5, $5, true, NULL)
     ON CONFLICT (version) DO UPDATE SET checksum = $3, applied_by = $4, finished_at = now(), statements_applied = $5, statements_total = $5, success = true, error = NULL, rolled_back_at = NULL`,
    [script.version, script.description, checksumOf(script.sql), appliedBy, total],
  )
}
