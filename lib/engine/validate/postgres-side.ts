import type pg from 'pg'
import { ownRows, readSchema } from '@/lib/engine/copy/postgres-source'
import { catalogTypeOf } from '@/lib/engine/copy/sqlite-types'
import { openTargetConnection } from '@/lib/targets/sql/session'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { EMPTY_MAPPING, isEmptyMapping } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { mapTables } from './postgres-mapped'
import { canonicalSql, hashSumSql, NULL_MARK, rowSql, sumDigestLanes } from './canonical'
import type { Digest, Filter, Rows, Scope, TableShape, ValidationSide } from './model'

// A PostgreSQL database as one side of a validation. Everything is computed where the rows are: each
// row's 64-bit hash (its types' own hash functions, or the hash of its canonical text), summed per segment
// in one scan (GROUP BY), so only a few numbers per segment cross the network – for PostgreSQL → PostgreSQL
// both sides work in SQL, in parallel.

/** A connection with the settings canonical text relies on; read-only, no parallel plans (slower for these scans). */
export async function openValidationConnection(target: PostgresTarget, name: string): Promise<pg.Client> {
  const client = await openTargetConnection(target, name)
  await client.query(
    `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; SET bytea_output = 'hex'; SET max_parallel_workers_per_gather = 0; SET default_transaction_read_only = on`,
  )
  return client
}

const TWO_62 = 2n ** 62n

/**
 * `mapping` (a source side only): the copy's mapping of this schema's tables – each mapped table is read through
 * a subquery that gives its columns their new names and values (transforms, the mapping's types) and keeps the
 * rows its filter keeps, so the rest of the validation reads it as it reads the target's table.
 */
export function postgresSide(
  target: PostgresTarget,
  options: { schema?: string; label?: string; mapping?: TCopyMapping } = {},
): ValidationSide & { client(): Promise<pg.Client>; schema: string; nativeHash(): Promise<boolean> } {
  const schema = options.schema ?? 'public'
  const mapping = options.mapping ?? EMPTY_MAPPING
  const views = new Map<string, string>()
  let connection: Promise<pg.Client> | null = null
  const client = () => (connection ??= openValidationConnection(target, 'lockstep validate'))
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`
  // A table's own rows, as the copy read them: a partitioned table with its partitions, a parent without its children.
  const partitioned = new Set<string>()
  const rowsOf = (name: string) => views.get(name) ?? ownRows({ kind: partitioned.has(name) ? 'p' : 'r' }, q(name))
  // Key bounds are bigint literals: comparable with any integer column and its index (numeric would cast the column).
  const literal = (value: bigint) => `${value}::bigint`

  /** The table, and the rows of the filter: one key range, many (an index range scan each), or key-hash prefixes. */
  function from(scope: Scope, filter: Filter, params: unknown[]): string {
    const table = rowsOf(scope.table.name)
    const k = quoteIdent(scope.key[0] ?? '')
    if (filter.kind === 'all') return table
    if (filter.kind === 'range') return `${table} WHERE ${k} BETWEEN ${literal(filter.lo)} AND ${literal(filter.hi)}`
    if (filter.kind === 'ranges') {
      params.push(
        filter.ranges.map(([lo]) => lo.toString()),
        filter.ranges.map(([, hi]) => hi.toString()),
      )
      // Each range read on its own (an index range scan). As a plain join under the row fetch's LIMIT, the planner
      // estimated a ninth of the table per range and chose to scan all of it: 0.1–0.2 s for one range of 64 rows
      // out of 1,000,000, against 2 ms. OFFSET 0 keeps the subquery from being pulled up into that join.
      return `unnest($${params.length - 1}::bigint[], $${params.length}::bigint[]) AS "lockstep range"("lockstep lo", "lockstep hi") CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE ${k} BETWEEN "lockstep lo" AND "lockstep hi" OFFSET 0) AS "lockstep rows"`
    }
    params.push(filter.prefixes)
    const length = filter.prefixes[0]?.length ?? 0
    return `${table} WHERE left(md5(${keySql(scope)}), ${length}) = ANY ($${params.length}::text[])`
  }

  const keySql = (scope: Scope) =>
    rowSql(
      scope.key.map((k) => canonicalSql(scope.columns.find((c) => c.name === k)?.type ?? catalogTypeOf('text'), k)),
    )
  const valuesSql = (scope: Scope) => scope.columns.map((c) => canonicalSql(c.type, c.name))

  return {
    engine: 'postgres',
    schema,
    client,
    label: options.label ?? `${target.host}:${target.port}/${target.database}`,
    async tables() {
      const read = await readSchema(await client(), schema)
      partitioned.clear()
      for (const t of read) if (t.kind === 'p') partitioned.add(t.name)
      const tables = isEmptyMapping(mapping) ? read : mapTables(read, mapping, views, (t) => ownRows(t, q(t.name)))
      return tables.map<TableShape>((t) => ({
        name: t.name,
        columns: t.columns
          .filter((c) => !c.generated)
          .map((c) => ({ name: c.name, type: catalogTypeOf(c.type), notNull: c.notNull })),
        primaryKey: t.primaryKey,
        uniques: t.constraints.filter((c) => c.type === 'p' || c.type === 'u').map((c) => c.columns),
        // Foreign keys within the schema (a key to another schema's table is checked by the target itself).
        foreignKeys: t.constraints
          .filter((c) => c.type === 'f' && c.references && c.referencedAs !== null)
          .map((c) => ({
            name: c.name,
            columns: c.columns,
            table: c.references as string,
            refColumns: c.refColumns,
            validated: c.validated,
          })),
      }))
    },
    async count(table) {
      const { rows } = await (await client()).query<{ n: string }>(`SELECT count(*) AS n FROM ${rowsOf(table.name)}`)
      return Number(rows[0]?.n ?? 0)
    },
    async estimate(table) {
      // The planner's figure (ANALYZE, VACUUM and CREATE INDEX keep it, so a copied table with a key has it): a
      // view, a partitioned table or a table none of them has seen has none.
      if (views.has(table.name) || partitioned.has(table.name)) return null
      const { rows } = await (
        await client()
      ).query<{ n: string | null }>(
        `SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS n FROM pg_class c WHERE c.oid = to_regclass($1)`,
        [q(table.name)],
      )
      return rows[0]?.n == null ? null : Number(rows[0].n)
    },
    async bounds(table, column) {
      const k = quoteIdent(column)
      const { rows } = await (
        await client()
      ).query<{ lo: string | null; hi: string | null }>(
        `SELECT min(${k})::text AS lo, max(${k})::text AS hi FROM ${rowsOf(table.name)}`,
      )
      const row = rows[0]
      return !row || row.lo === null || row.hi === null ? null : { min: BigInt(row.lo), max: BigInt(row.hi) }
    },
    async nativeHash() {
      const { rows } = await (
        await client()
      ).query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)
      return (rows[0]?.v ?? 0) >= 140000
    },
    async digests(scope, filter, grouping) {
      const params: unknown[] = []
      const k = quoteIdent(scope.key[0] ?? '')
      let bucket: string
      if (grouping.kind === 'range') {
        // bigint arithmetic unless the keys span more than 2^62 (then numeric: slower, never wrong).
        const top =
          filter.kind === 'range'
            ? filter.hi
            : filter.kind === 'ranges'
              ? filter.ranges.reduce((m, [, hi]) => (hi > m ? hi : m), grouping.lo)
              : null
        const narrow = top !== null && top - grouping.lo < TWO_62 && grouping.lo > -TWO_62
        bucket = narrow
          ? `(${k}::bigint - ${grouping.lo}::bigint) / ${grouping.width}::bigint`
          : `div(${k}::numeric - ${grouping.lo}::numeric, ${grouping.width}::numeric)`
      } else if (grouping.kind === 'prefix') bucket = `left(md5(${keySql(scope)}), ${grouping.length})`
      else bucket = `''`
      // PostgreSQL → PostgreSQL with the same column types: the types' own hash functions, no text at all.
      const hash =
        scope.hash === 'native'
          ? `hash_record_extended(ROW(${scope.columns.map((c) => quoteIdent(c.name)).join(', ')}), 0)`
          : `hashtextextended(${rowSql(valuesSql(scope))}, 0)`
      // One aggregate over the table itself (no subquery): the bucket, the count and the exact sum of the hashes.
      const sql = `SELECT (${bucket})::text AS b, count(*)::int AS n, ${hashSumSql(hash)} AS h
                     FROM ${from(scope, filter, params)}${grouping.kind === 'none' ? '' : ` GROUP BY ${bucket}`}`
      const { rows } = await (await client()).query<{ b: string; n: number; h: string }>(sql, params)
      return new Map<string, Digest>(
        rows.map((r) => [grouping.kind === 'none' ? '' : r.b, { count: r.n, ...sumDigestLanes(r.h) }]),
      )
    },
    async rows(scope, filter, limit) {
      const params: unknown[] = []
      const sql = `SELECT ${keySql(scope)} AS k, ${valuesSql(scope).join(', ')} FROM ${from(scope, filter, params)} LIMIT ${Math.max(0, Math.floor(limit))}`
      const { rows } = await (await client()).query({ text: sql, values: params, rowMode: 'array' })
      const result: Rows = new Map()
      for (const row of rows as (string | null)[][])
        result.set(
          row[0] as string,
          row.slice(1).map((v) => v ?? NULL_MARK),
        )
      return result
    },
    async close() {
      const open = connection
      connection = null
      if (open) await (await open.catch(() => null))?.end().catch(() => undefined)
    },
  }
}
