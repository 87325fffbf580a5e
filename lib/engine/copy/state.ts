import type pg from 'pg'
import { ensureBookkeeping, qualified } from '@/lib/targets/bookkeeping'
import type { KeyValue } from './model'

// Where a copy got to, kept in the target database – in Lockstep's own schema there (lib/targets/bookkeeping.ts):
// each chunk's rows and the record of its last key commit in one transaction, so after any interruption the
// copy resumes exactly after the last committed chunk – no row twice, none missing.

export const COPY_TABLE = qualified('copy')
export const PART_TABLE = qualified('copyPart')

export type CopyMode = 'create' | 'existing'
export type CopyPhase = 'loading' | 'finishing' | 'done'

/** One key range of a table: keys after `lo` up to and including `hi` (null: unbounded). */
export type PartState = {
  table: string
  part: number
  lo: string | null
  hi: string | null
  lastKey: KeyValue[] | null
  written: number
  rejected: number
  done: boolean
}

/**
 * `afterLoadDone`: the names of the statements after the load (keys, indexes, foreign keys…) already committed.
 * `afterLoadPositions`: the same, as versions before names recorded them – by position in the list of statements.
 */
export type CopyState = {
  phase: CopyPhase
  mode: CopyMode
  afterLoadDone: string[]
  afterLoadPositions: number[]
  parts: PartState[]
}

const DUPLICATE_COLUMN = new Set(['42701', '23505']) // a concurrent session added the column first

export async function ensureCopyState(client: pg.Client) {
  // The copy part table refers to the copy table: both move together.
  await ensureBookkeeping(client, ['copy', 'copyPart'])
  await client.query(`CREATE TABLE IF NOT EXISTS ${COPY_TABLE} (
    copy_id text PRIMARY KEY,
    phase text NOT NULL,
    mode text NOT NULL,
    after_load_done integer[] NOT NULL DEFAULT '{}',
    after_load_names text[] NOT NULL DEFAULT '{}',
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${PART_TABLE} (
    copy_id text NOT NULL REFERENCES ${COPY_TABLE} ON DELETE CASCADE,
    table_name text NOT NULL,
    part integer NOT NULL,
    lo text,
    hi text,
    last_key jsonb,
    rows_written bigint NOT NULL DEFAULT 0,
    rows_rejected bigint NOT NULL DEFAULT 0,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (copy_id, table_name, part)
  )`)
  // Made by a version that recorded finished statements by position: asked first, as ALTER needs the table's owner.
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'after_load_names' AND NOT attisdropped`,
    [COPY_TABLE],
  )
  if (!rowCount)
    await client
      .query(`ALTER TABLE ${COPY_TABLE} ADD COLUMN IF NOT EXISTS after_load_names text[] NOT NULL DEFAULT '{}'`)
      .catch((error: { code?: string }) => {
        if (!error.code || !DUPLICATE_COLUMN.has(error.code)) throw error
      })
}

/** A part's row in the target's bookkeeping, and what it says. */
type PartRow = {
  table_name: string
  part: number
  lo: string | null
  hi: string | null
  last_key: KeyValue[] | null
  rows_written: string
  rows_rejected: string
  done: boolean
}
const PART_COLUMNS = 'table_name, part, lo, hi, last_key, rows_written, rows_rejected, done'
const partOf = (p: PartRow): PartState => ({
  table: p.table_name,
  part: p.part,
  lo: p.lo,
  hi: p.hi,
  lastKey: p.last_key,
  written: Number(p.rows_written),
  rejected: Number(p.rows_rejected),
  done: p.done,
})

export async function loadCopyState(client: pg.Client, copyId: string): Promise<CopyState | null> {
  const copy = await client.query<{
    phase: CopyPhase
    mode: CopyMode
    after_load_done: number[]
    after_load_names: string[]
  }>(`SELECT phase, mode, after_load_done, after_load_names FROM ${COPY_TABLE} WHERE copy_id = $1`, [copyId])
  const row = copy.rows[0]
  if (!row) return null
  const parts = await client.query<PartRow>(
    `SELECT ${PART_COLUMNS} FROM ${PART_TABLE} WHERE copy_id = $1 ORDER BY table_name, part`,
    [copyId],
  )
  return {
    phase: row.phase,
    mode: row.mode,
    afterLoadDone: row.after_load_names,
    afterLoadPositions: row.after_load_done,
    parts: parts.rows.map(partOf),
  }
}

/** One part's record as it is now: where a worker taking the part over starts from. */
export async function loadPartState(
  client: pg.Client,
  copyId: string,
  table: string,
  part: number,
): Promise<PartState | null> {
  const { rows } = await client.query<PartRow>(
    `SELECT ${PART_COLUMNS} FROM ${PART_TABLE} WHERE copy_id = $1 AND table_name = $2 AND part = $3`,
    [copyId, table, part],
  )
  return rows[0] ? partOf(rows[0]) : null
}

/** Records a new copy and its parts (in the caller's transaction, with the tables it creates). */
export async function recordCopyStart(client: pg.Client, copyId: string, mode: CopyMode, parts: readonly PartState[]) {
  await client.query(`INSERT INTO ${COPY_TABLE} (copy_id, phase, mode) VALUES ($1, 'loading', $2)`, [copyId, mode])
  if (parts.length === 0) return
  await client.query(
    `INSERT INTO ${PART_TABLE} (copy_id, table_name, part, lo, hi) SELECT $1, t, p, l, h FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS x(t, p, l, h)`,
    [copyId, parts.map((p) => p.table), parts.map((p) => p.part), parts.map((p) => p.lo), parts.map((p) => p.hi)],
  )
}

/** A chunk's record, in the transaction that wrote its rows. `restart`: the part was copied whole again. */
export async function recordChunk(
  client: pg.Client,
  copyId: string,
  part: PartState,
  chunk: { lastKey: KeyValue[] | null; written: number; rejected: number; done: boolean; restart?: boolean },
) {
  // A part copied whole again (a table without a key) counts from zero; a chunk adds to its part.
  const total = (column: string) => (chunk.restart ? '' : `${column} + `)
  await client.query(
    `UPDATE ${PART_TABLE} SET last_key = coalesce($4::jsonb, last_key), done = $7,
            rows_written = ${total('rows_written')}$5, rows_rejected = ${total('rows_rejected')}$6
      WHERE copy_id = $1 AND table_name = $2 AND part = $3`,
    [
      copyId,
      part.table,
      part.part,
      chunk.lastKey ? JSON.stringify(chunk.lastKey) : null,
      chunk.written,
      chunk.rejected,
      chunk.done,
    ],
  )
}

export async function recordPhase(client: pg.Client, copyId: string, phase: CopyPhase) {
  await client.query(
    `UPDATE ${COPY_TABLE} SET phase = $2, finished_at = CASE WHEN $2 = 'done' THEN now() END WHERE copy_id = $1`,
    [copyId, phase],
  )
}

/** An after-load statement's record, by its name, in the transaction that ran it. */
export async function recordAfterLoad(client: pg.Client, copyId: string, name: string) {
  await client.query(
    `UPDATE ${COPY_TABLE} SET after_load_names = array_append(after_load_names, $2) WHERE copy_id = $1`,
    [copyId, name],
  )
}

/** Replaces the finished statements recorded by position with their names, once, so that later attempts go by name. */
export async function recordAfterLoadNames(client: pg.Client, copyId: string, names: readonly string[]) {
  await client.query(`UPDATE ${COPY_TABLE} SET after_load_names = $2, after_load_done = '{}' WHERE copy_id = $1`, [
    copyId,
    names,
  ])
}

export async function forgetCopy(client: pg.Client, copyId: string) {
  await client.query(`DELETE FROM ${COPY_TABLE} WHERE copy_id = $1`, [copyId])
}
