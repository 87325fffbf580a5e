import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { BOOKKEEPING_SCHEMA, ensureBookkeeping, qualified } from '@/lib/targets/bookkeeping'
import { quoteIdent } from '@/lib/targets/quote'
import type { ChangeBatch, TableChanges } from './model'

// Applying a sync's batches on the target. Each batch – its deletes, its rows and the position it reached –
// commits in one transaction, after checking under a row lock that the position it starts from is the one
// recorded: after any interruption (a killed worker, a lost connection, a restarted target) the feed starts
// again from the recorded position, and a second follower racing the first applies nothing twice.
// Rows go through COPY into session-local staging tables, then one INSERT … ON CONFLICT per table; deletes
// join a staged key list. Foreign keys: with a role that may, the session replays as a replica (PostgreSQL's
// own logical apply does the same: no foreign-key or user triggers); otherwise deletes go children first
// and rows parents first.
// Each batch also notes the keys it wrote or deleted (`sync_key`, with the batch's number): a validation that
// passed while the sync followed records the batch it began at (`checked_batch`), and the cutover then compares
// only the rows changed after it (see checkedSince).

export const SYNC_TABLE = qualified('sync')
const SYNC_KEYS = `${BOOKKEEPING_SCHEMA}.sync_key`

export async function ensureSyncState(client: pg.Client) {
  await ensureBookkeeping(client, ['sync'])
  await client.query(`CREATE TABLE IF NOT EXISTS ${SYNC_TABLE} (
    sync_id text PRIMARY KEY,
    position text NOT NULL,
    changes bigint NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`)
  await client.query(`ALTER TABLE ${SYNC_TABLE}
    ADD COLUMN IF NOT EXISTS batches bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS checked_batch bigint`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${SYNC_KEYS} (
    sync_id text NOT NULL,
    table_oid oid NOT NULL,
    key text NOT NULL,
    batch bigint NOT NULL,
    PRIMARY KEY (sync_id, table_oid, key)
  )`)
}

/** The position a sync's applied changes reached on this target, or null when it never started here. */
export async function appliedPosition(client: pg.Client, syncId: string): Promise<string | null> {
  const { rows } = await client.query<{ position: string }>(`SELECT position FROM ${SYNC_TABLE} WHERE sync_id = $1`, [
    syncId,
  ])
  return rows[0]?.position ?? null
}

/** Records where a sync starts (the position its initial copy meets); an existing record is kept. */
export async function recordSyncStart(client: pg.Client, syncId: string, position: string) {
  await client.query(`INSERT INTO ${SYNC_TABLE} (sync_id, position) VALUES ($1, $2) ON CONFLICT (sync_id) DO NOTHING`, [
    syncId,
    position,
  ])
}

export async function forgetSync(client: pg.Client, syncId: string) {
  for (const table of [SYNC_KEYS, SYNC_TABLE])
    await client.query(`DELETE FROM ${table} WHERE sync_id = $1`, [syncId]).catch((error: { code?: string }) => {
      if (error.code !== '42P01') throw error
    })
}

/** A moment of a sync on its target: the batches applied so far, in the life of this sync's record. */
export type SyncMark = { batches: string; startedAt: string }

/** Where the sync's applying stands, before a validation while it follows; null when it has no record here. */
export async function syncMark(client: pg.Client, syncId: string): Promise<SyncMark | null> {
  const { rows } = await client
    .query<SyncMark>(
      `SELECT batches::text AS batches, started_at::text AS "startedAt" FROM ${SYNC_TABLE} WHERE sync_id = $1`,
      [syncId],
    )
    .catch((error: { code?: string }) => {
      if (error.code === '42P01' || error.code === '42703') return { rows: [] as SyncMark[] }
      throw error
    })
  return rows[0] ?? null
}

/**
 * A validation that began at `mark` found every row equal but `differing` (table → canonical keys, the keys of
 * rows that differed, merely in flight or not): from now on only rows changed after the mark, and those, need
 * comparing again. Nothing is recorded when the sync was started anew meanwhile.
 */
export async function recordCheck(
  client: pg.Client,
  syncId: string,
  mark: SyncMark,
  differing: readonly { schema: string; table: string; keys: readonly string[] }[],
): Promise<boolean> {
  await client.query('BEGIN')
  try {
    const { rowCount } = await client.query(
      `UPDATE ${SYNC_TABLE} SET checked_batch = $2 WHERE sync_id = $1 AND started_at = $3::timestamptz
          AND (checked_batch IS NULL OR checked_batch < $2)`,
      [syncId, mark.batches, mark.startedAt],
    )
    if (!rowCount) {
      await client.query('ROLLBACK')
      return false
    }
    for (const { schema, table, keys } of differing)
      await client.query(
        `INSERT INTO ${SYNC_KEYS} (sync_id, table_oid, key, batch)
         SELECT $1, to_regclass($2)::oid, k, $3::bigint + 1 FROM unnest($4::text[]) k WHERE to_regclass($2) IS NOT NULL
         ON CONFLICT (sync_id, table_oid, key) DO UPDATE SET batch = greatest(${SYNC_KEYS}.batch, EXCLUDED.batch)`,
        [syncId, `${quoteIdent(schema)}.${quoteIdent(table)}`, mark.batches, [...new Set(keys)]],
      )
    // What the check covers need not be kept.
    await client.query(`DELETE FROM ${SYNC_KEYS} WHERE sync_id = $1 AND batch <= $2`, [syncId, mark.batches])
    await client.query('COMMIT')
    return true
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** The recorded check no longer stands (a validation found differences it cannot name, or the cutover's failed). */
export async function forgetCheck(client: pg.Client, syncId: string) {
  await client.query(`UPDATE ${SYNC_TABLE} SET checked_batch = NULL WHERE sync_id = $1`, [syncId])
}

/**
 * Since the last validation that passed while the sync followed: the keys (as text) of the rows changed after it,
 * or to compare again, by schema and table on the target; null when no such validation was recorded.
 */
export async function checkedSince(client: pg.Client, syncId: string): Promise<Map<string, string[]> | null> {
  const { rows: at } = await client.query<{ checked: string | null }>(
    `SELECT checked_batch::text AS checked FROM ${SYNC_TABLE} WHERE sync_id = $1`,
    [syncId],
  )
  const checked = at[0]?.checked
  if (checked === null || checked === undefined) return null
  const { rows } = await client.query<{ schema: string; name: string; keys: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name, array_agg(k.key) AS keys
       FROM ${SYNC_KEYS} k JOIN pg_class c ON c.oid = k.table_oid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.sync_id = $1 AND k.batch > $2 GROUP BY 1, 2`,
    [syncId, checked],
  )
  return new Map(rows.map((r) => [checkedTableKey(r.schema, r.name), r.keys]))
}

/** How checkedSince names a table. */
export const checkedTableKey = (schema: string, table: string) => `${schema}\u0000${table}`

export type Applier = {
  /** Applies `batch` if the target is still at `from`; false when another follower moved it first. */
  apply(from: string, batch: ChangeBatch): Promise<boolean>
}

async function copyRows(client: pg.Client, table: string, columns: readonly string[], rows: readonly string[]) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`))
  const text = rows.join('\n') + '\n'
  stream.end(text)
  await finished(stream)
}

/** Parents before children among the target tables (by their foreign keys); cycles keep their given order. */
async function parentsFirst(client: pg.Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[]) AND c.confrelid <> c.conrelid`,
    [tables.map((t) => t)],
  )
  const ordered: string[] = []
  const visiting = new Set<string>()
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return
    visiting.add(t)
    for (const r of rows) if (r.child === t) visit(r.parent)
    ordered.push(t)
  }
  // regclass::text prints the name as the search path would need it: compare through regclass on both sides.
  const { rows: names } = await client.query<{ given: string; shown: string }>(
    `SELECT t AS given, t::regclass::text AS shown FROM unnest($1::text[]) t`,
    [tables],
  )
  const shownOf = new Map(names.map((n) => [n.shown, n.given]))
  for (const n of names) visit(n.shown)
  return ordered.map((t) => shownOf.get(t)).filter((t): t is string => !!t)
}

/** An applier on `client` (a session of its own on the target, held by the follower). */
export async function createApplier(client: pg.Client, syncId: string): Promise<Applier> {
  await ensureSyncState(client)
  const { rows } = await client.query<{ replica: boolean }>(`SELECT current_setting('is_superuser') = 'on' AS replica`)
  const asReplica = rows[0]?.replica === true
  const staged = new Map<string, string>()
  let order: string[] = []

  /** A staging table of `columns` of `table`, made once per session and emptied at each commit. */
  const stageOf = async (table: string, columns: readonly string[]) => {
    const signature = `${table}\u0000${columns.join('\u0000')}`
    const known = staged.get(signature)
    if (known) return known
    const name = `lockstep_sync_stage_${staged.size + 1}`
    await client.query(
      `CREATE TEMP TABLE ${name} ON COMMIT DELETE ROWS AS SELECT ${columns.map(quoteIdent).join(', ')} FROM ${table} WITH NO DATA`,
    )
    staged.set(signature, name)
    return name
  }

  /** The keys of the rows in `stage`, noted as changed by batch `batch`. */
  const noteKeys = async (t: TableChanges, stage: string, batch: string) => {
    const key =
      t.key.length === 1
        ? `${quoteIdent(t.key[0] as string)}::text`
        : `jsonb_build_array(${t.key.map(quoteIdent).join(', ')})::text`
    await client.query(
      `INSERT INTO ${SYNC_KEYS} (sync_id, table_oid, key, batch)
       SELECT DISTINCT $1, $2::regclass::oid, ${key}, $3::bigint FROM ${stage}
       ON CONFLICT (sync_id, table_oid, key) DO UPDATE SET batch = EXCLUDED.batch`,
      [syncId, t.target, batch],
    )
  }

  const write = async (t: TableChanges, columns: readonly string[], rows: readonly string[], batch: string) => {
    if (!rows.length) return
    const stage = await stageOf(t.target, columns)
    await copyRows(client, stage, columns, rows)
    const list = columns.map(quoteIdent).join(', ')
    const keyList = t.key.map(quoteIdent).join(', ')
    const rest = columns.filter((c) => !t.key.includes(c))
    const onConflict = rest.length
      ? `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`
      : 'DO NOTHING'
    await client.query(
      `INSERT INTO ${t.target} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${stage} ON CONFLICT (${keyList}) ${onConflict}`,
    )
    await noteKeys(t, stage, batch)
  }

  const remove = async (t: TableChanges, batch: string) => {
    if (!t.deletes.length) return
    const stage = await stageOf(t.target, t.key)
    await copyRows(client, stage, t.key, t.deletes)
    const match = t.key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ')
    await client.query(`DELETE FROM ${t.target} t USING ${stage} s WHERE ${match}`)
    await noteKeys(t, stage, batch)
  }

  return {
    async apply(from, batch) {
      const missing = batch.tables.map((t) => t.target).filter((t) => !order.includes(t))
      if (missing.length && !asReplica) order = await parentsFirst(client, [...order, ...missing])
      const rank = (t: TableChanges) => (asReplica ? 0 : order.indexOf(t.target))
      const parents = [...batch.tables].sort((a, b) => rank(a) - rank(b))
      await client.query('BEGIN')
      try {
        const { rows: at } = await client.query<{ position: string; batch: string }>(
          `SELECT position, (batches + 1)::text AS batch FROM ${SYNC_TABLE} WHERE sync_id = $1 FOR UPDATE`,
          [syncId],
        )
        if (at[0]?.position !== from) {
          await client.query('ROLLBACK')
          return false
        }
        if (asReplica) await client.query(`SET LOCAL session_replication_role = replica`)
        const batchNumber = at[0]?.batch as string
        for (const t of [...parents].reverse()) await remove(t, batchNumber)
        for (const t of parents) {
          await write(t, t.columns, t.upserts, batchNumber)
          for (const part of t.partial ?? []) await write(t, part.columns, part.rows, batchNumber)
        }
        await client.query(
          `UPDATE ${SYNC_TABLE} SET position = $2, changes = changes + $3, batches = batches + 1, updated_at = now() WHERE sync_id = $1`,
          [syncId, batch.position, batch.changes],
        )
        await client.query('COMMIT')
        return true
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      }
    },
  }
}
