import type pg from 'pg'
import type { FilledTable } from '@/lib/domain/step-details'
import { quoteIdent } from '@/lib/targets/quote'

// Existing tables that already hold rows – a schema made by the application's own migrations often seeds a
// few (roles, settings, a first admin). The copy refuses them unless told what to do: `empty` them first
// (after a confirmation, in the transaction that starts the copy), or `merge` by primary key – each chunk
// lands in a temporary table and is inserted from there, a source row replacing the target's row of the
// same key; target rows the source does not have stay (validation then lists them as extra).

export type ExistingRows = 'refuse' | 'empty' | 'merge'

export type { FilledTable }

const COUNT_LIMIT = 10_000

/** The tables among `tables` that already have rows, with their count (“10,000” means at least that). */
export async function filledTables(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<FilledTable[]> {
  const filled: FilledTable[] = []
  for (const table of tables) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${quoteIdent(schema)}.${quoteIdent(table)} LIMIT ${COUNT_LIMIT}) x`,
    )
    const n = rows[0]?.n ?? 0
    if (n > 0) filled.push({ table, rows: n })
  }
  return filled
}

export const describeFilled = (filled: readonly FilledTable[]) =>
  filled
    .map(
      (f) =>
        `“${f.table}” (${f.rows >= COUNT_LIMIT ? `${COUNT_LIMIT.toLocaleString('en')} or more rows` : `${f.rows.toLocaleString('en')} row${f.rows === 1 ? '' : 's'}`})`,
    )
    .join(', ')

/** Empties the tables (in the caller's transaction); a table other tables reference is named in the error. */
export async function emptyTables(client: pg.Client, schema: string, tables: readonly string[]) {
  if (tables.length === 0) return
  await client
    .query(`TRUNCATE ${tables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t)}`).join(', ')}`)
    .catch((error: Error) => {
      throw new Error(
        `Emptying the tables to copy on the target failed: ${error.message}. Copy the referencing tables too, or empty them yourself.`,
      )
    })
}

export type MergePlan = { stage: string; createStage: string; insert: string }

/**
 * How chunks of `table` merge into the target by its primary key: the COPY goes into `stage`, a temporary table
 * made per chunk (dropped at commit), then `insert` moves its rows. Throws a message naming the table when it has no primary key.
 */
export async function mergePlan(
  client: pg.Client,
  schema: string,
  table: string,
  columns: readonly string[],
): Promise<MergePlan> {
  const { rows } = await client.query<{ key: string[] | null }>(
    `SELECT (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS key
       FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.contype = 'p'`,
    [`${quoteIdent(schema)}.${quoteIdent(table)}`],
  )
  const key = rows[0]?.key ?? []
  if (key.length === 0)
    throw new Error(
      `The target table “${table}” has no primary key, so its rows cannot be merged by key; empty it instead.`,
    )
  const missing = key.filter((k) => !columns.includes(k))
  if (missing.length)
    throw new Error(
      `The source does not have the key ${missing.map((k) => `“${k}”`).join(', ')} of the target table “${table}”, so its rows cannot be merged by key; empty it instead.`,
    )
  const target = `${quoteIdent(schema)}.${quoteIdent(table)}`
  const stage = `pg_temp.${quoteIdent(`lockstep merge ${table}`)}`
  const list = columns.map(quoteIdent).join(', ')
  const updates = columns.filter((c) => !key.includes(c)).map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`)
  return {
    stage,
    createStage: `CREATE TEMPORARY TABLE ${stage} ON COMMIT DROP AS SELECT ${list} FROM ${target} WITH NO DATA`,
    // OVERRIDING SYSTEM VALUE: the source's ids go into GENERATED ALWAYS identities too, as COPY writes them.
    insert: `INSERT INTO ${target} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${stage} ON CONFLICT (${key.map(quoteIdent).join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
  }
}

/**
 * The existing tables' own triggers that run for each copied row (ON INSERT, enabled): what they change or add
 * is not the source's data, so the summary names them (validation then shows the rows they changed).
 */
export async function insertTriggers(client: pg.Client, schema: string, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ table: string; names: string[] }>(
    `SELECT c.relname AS "table", array_agg(t.tgname::text ORDER BY t.tgname) AS names
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY ($2) AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 4) <> 0
      GROUP BY 1 ORDER BY 1`,
    [quoteIdent(schema), tables],
  )
  return rows.map(
    (r) =>
      `${r.table}: the target's trigger${r.names.length === 1 ? '' : 's'} ${r.names.join(', ')} run${r.names.length === 1 ? 's' : ''} on every copied row; what ${r.names.length === 1 ? 'it changes' : 'they change'} differs from the source (validation shows those rows).`,
  )
}
