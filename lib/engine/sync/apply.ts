import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { ensureBookkeeping, qualified } from '@/lib/targets/bookkeeping'
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

export const SYNC_TABLE = qualified('sync')

export async function ensureSyncState(client: pg.Client) {
  await ensureBookkeeping(client, ['sync'])
  await client.query(`CREATE TABLE IF NOT EXISTS ${SYNC_TABLE} (
    sync_id text PRIMARY KEY,
    position text NOT NULL,
    changes bigint NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
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
  await client.query(`DELETE FROM ${SYNC_TABLE} WHERE sync_id = $1`, [syncId]).catch((error: { code?: string }) => {
    if (error.code !== '42P01') throw error
  })
}

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

  const write = async (t: TableChanges, columns: readonly string[], rows: readonly string[]) => {
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
  }

  const remove = async (t: TableChanges) => {
    if (!t.deletes.length) return
    const stage = await stageOf(t.target, t.key)
    await copyRows(client, stage, t.key, t.deletes)
    const match = t.key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ')
    await client.query(`DELETE FROM ${t.target} t USING ${stage} s WHERE ${match}`)
  }

  return {
    async apply(from, batch) {
      const missing = batch.tables.map((t) => t.target).filter((t) => !order.includes(t))
      if (missing.length && !asReplica) order = await parentsFirst(client, [...order, ...missing])
      const rank = (t: TableChanges) => (asReplica ? 0 : order.indexOf(t.target))
      const parents = [...batch.tables].sort((a, b) => rank(a) - rank(b))
      await client.query('BEGIN')
      try {
        const { rows: at } = await client.query<{ position: string }>(
          `SELECT position FROM ${SYNC_TABLE} WHERE sync_id = $1 FOR UPDATE`,
          [syncId],
        )
        if (at[0]?.position !== from) {
          await client.query('ROLLBACK')
          return false
        }
        if (asReplica) await client.query(`SET LOCAL session_replication_role = replica`)
        for (const t of [...parents].reverse()) await remove(t)
        for (const t of parents) {
          await write(t, t.columns, t.upserts)
          for (const part of t.partial ?? []) await write(t, part.columns, part.rows)
        }
        await client.query(
          `UPDATE ${SYNC_TABLE} SET position = $2, changes = changes + $3, updated_at = now() WHERE sync_id = $1`,
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
