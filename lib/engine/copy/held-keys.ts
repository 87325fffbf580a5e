import type pg from 'pg'
import { ensureBookkeeping, qualified } from '@/lib/targets/bookkeeping'
import { quoteIdent } from '@/lib/targets/quote'
import type { PostLoadStatement } from './model'
import { COPY_TABLE } from './state'

// Copying into existing tables loads parents before children, so that each row's foreign keys hold as it
// arrives. Foreign keys that form a cycle (a → b → c → a, or a table referencing itself) allow no such
// order: those are dropped on the target for the load – in the transaction that starts the copy, with their
// definitions kept beside the copy's record – and added back after it, where a violation leaves the key
// NOT VALID and is reported, as orphans of a created table are. The record survives any interruption.

export const HELD_KEY_TABLE = qualified('heldKey')

export async function ensureHeldKeys(client: pg.Client) {
  await ensureBookkeeping(client, ['heldKey'])
  await client.query(`CREATE TABLE IF NOT EXISTS ${HELD_KEY_TABLE} (
    copy_id text NOT NULL REFERENCES ${COPY_TABLE} ON DELETE CASCADE,
    position integer NOT NULL,
    table_name text NOT NULL,
    name text NOT NULL,
    definition text NOT NULL,
    PRIMARY KEY (copy_id, position)
  )`)
}

type ForeignKey = { table: string; references: string; name: string; definition: string }

/** The tables of `edges` that lie on a cycle, each with the set of tables of its cycle (strongly connected components). */
export function cyclicGroups(
  tables: readonly string[],
  edges: readonly { from: string; to: string }[],
): Map<string, number> {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const group = new Map<string, number>()
  let counter = 0
  let groups = 0
  const visit = (v: string) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const { to } of edges.filter((e) => e.from === v)) {
      if (!index.has(to)) {
        visit(to)
        low.set(v, Math.min(low.get(v) ?? 0, low.get(to) ?? 0))
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v) ?? 0, index.get(to) ?? 0))
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = []
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
        onStack.delete(w)
        members.push(w)
      }
      const id = groups++
      for (const m of members) group.set(m, id)
    }
  }
  for (const t of tables) if (!index.has(t)) visit(t)
  return group
}

/** The foreign keys between `tables` (in `schema`) that no load order satisfies: on a cycle, or self-references. */
export function keysToHold(tables: readonly string[], keys: readonly ForeignKey[]): ForeignKey[] {
  const inside = keys.filter((k) => tables.includes(k.table) && tables.includes(k.references))
  const group = cyclicGroups(
    tables,
    inside.map((k) => ({ from: k.table, to: k.references })),
  )
  return inside.filter((k) => k.table === k.references || group.get(k.table) === group.get(k.references))
}

/**
 * Drops the target's foreign keys that form cycles among `tables`, recording them for `copyId` (call it in the
 * transaction that records the copy's start). Returns one line per cycle for the summary.
 */
export async function holdCyclicKeys(
  client: pg.Client,
  copyId: string,
  schema: string,
  tables: readonly string[],
): Promise<string[]> {
  const { rows } = await client.query<ForeignKey>(
    `SELECT c.relname AS "table", r.relname AS "references", k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
      WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relnamespace = $1::regnamespace AND r.relnamespace = $1::regnamespace AND c.relname = ANY ($2)
      ORDER BY c.relname, k.conname`,
    [quoteIdent(schema), tables],
  )
  const held = keysToHold(tables, rows)
  if (held.length === 0) return []
  await ensureHeldKeys(client)
  for (const [position, key] of held.entries()) {
    await client.query(
      `INSERT INTO ${HELD_KEY_TABLE} (copy_id, position, table_name, name, definition) VALUES ($1, $2, $3, $4, $5)`,
      [copyId, position, key.table, key.name, key.definition],
    )
    await client.query(
      `ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(key.table)} DROP CONSTRAINT ${quoteIdent(key.name)}`,
    )
  }
  return [
    `Foreign keys on a cycle of references, dropped for the load and added back after it: ${held.map((k) => `${k.table}.${k.name} → ${k.references}`).join(', ')}.`,
  ]
}

/**
 * The statements that add the held foreign keys back, in their recorded order (none when nothing was held);
 * `missingOnly`: only those the target does not have (undoing a copy that stopped during its load).
 */
export async function heldKeyStatements(
  client: pg.Client,
  copyId: string,
  schema: string,
  missingOnly = false,
): Promise<PostLoadStatement[]> {
  const exists = await client.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [HELD_KEY_TABLE])
  if (!exists.rows[0]?.found) return []
  const { rows } = await client.query<{ table_name: string; name: string; definition: string; present: boolean }>(
    `SELECT h.table_name, h.name, h.definition,
            EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = $2::regnamespace AND c.relname = h.table_name AND k.conname = h.name) AS present
       FROM ${HELD_KEY_TABLE} h WHERE h.copy_id = $1 ORDER BY h.position`,
    [copyId, quoteIdent(schema)],
  )
  return rows
    .filter((k) => !missingOnly || !k.present)
    .map((k) => ({
      kind: 'foreign key',
      table: k.table_name,
      name: `foreign key ${k.table_name}.${k.name}`,
      sql: `ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(k.table_name)} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`,
    }))
}

/**
 * The target's own references between `tables`, as `table → referenced table`: the foreign keys rows are checked
 * against during the load, also those declared on the partitions of a partitioned table (pagila declares its
 * payment keys per partition), each counted for the partitioned table it belongs to.
 */
export async function targetReferences(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<{ from: string; to: string }[]> {
  const { rows } = await client.query<{ from: string; to: string }>(
    `SELECT DISTINCT c.relname AS "from", r.relname AS "to"
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = coalesce(pg_partition_root(k.conrelid), k.conrelid)
       JOIN pg_class r ON r.oid = coalesce(pg_partition_root(k.confrelid), k.confrelid)
      WHERE k.contype = 'f' AND c.relnamespace = $1::regnamespace AND r.relnamespace = $1::regnamespace AND c.relname = ANY ($2) AND r.relname = ANY ($2)
      ORDER BY 1, 2`,
    [quoteIdent(schema), tables],
  )
  return rows
}
