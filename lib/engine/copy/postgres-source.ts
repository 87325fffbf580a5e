import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { openTargetConnection } from '@/lib/engine/sql/session'
import { HISTORY_TABLE } from '@/lib/engine/sql/history'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { keyValueText, type ChunkReader, type ChunkResult, type ColumnPlan, type CopySource, type KeyValue, type SourceTable } from './model'
import { restartIdentitySql, type Ddl } from './sqlite-schema'
import { catalogTypeOf } from './sqlite-types'
import { COPY_TABLE, PART_TABLE } from './state'

// A PostgreSQL database as a copy source (consolidating databases). Rows move as COPY TO STDOUT piped
// straight into the target's COPY FROM STDIN – binary when every column keeps its type, text otherwise –
// without being decoded in between. Tables are read in primary-key ranges (resumable chunk by chunk); a
// table without a primary key is copied in one transaction, and restarted whole when interrupted.

type PgColumn = { name: string; type: string; notNull: boolean; default: string | null; identity: string; generated: string; typtype: string; builtin: boolean; baseType: string | null }
/** `referencedAs`: for a foreign key to a table of the same schema, the head of `def` up to that table's name and `(`. */
export type PgConstraint = { name: string; type: string; def: string; references: string | null; referencedAs: string | null; columns: string[]; refColumns: string[]; validated: boolean }
/** `head`: the start of `def` up to `USING method `, exactly as pg_get_indexdef prints it. */
export type PgIndex = { name: string; unique: boolean; method: string; def: string; head: string }
export type PgTable = { oid: number; name: string; columns: PgColumn[]; primaryKey: string[]; keyTypes: string[]; constraints: PgConstraint[]; indexes: PgIndex[] }

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint'])
const OWN_TABLES = [HISTORY_TABLE, COPY_TABLE, PART_TABLE]

/** The tables of `schema` (Lockstep's own bookkeeping tables left out): columns, keys, constraints, indexes. */
export async function readSchema(client: pg.Client, schema: string): Promise<PgTable[]> {
  const tables = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL ($2) ORDER BY c.relname`,
    [schema, OWN_TABLES],
  )
  const oids = tables.rows.map((t) => t.oid)
  const columns = await client.query<PgColumn & { table: number }>(
    `SELECT a.attrelid AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated, t.typtype,
            tn.nspname = 'pg_catalog' AS builtin, CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS "baseType"
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY ($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
    [oids],
  )
  // A foreign key's definition names the table it references with its schema unless the search_path shows
  // it (REFERENCES src.customers(id)); "referencedAs" is that head exactly as pg_get_constraintdef prints it.
  const constraints = await client.query<PgConstraint & { table: number }>(
    `SELECT c.conrelid AS "table", c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS def, r.relname AS "references", c.convalidated AS validated,
            coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num), '{}') AS columns,
            coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num), '{}') AS "refColumns",
            CASE WHEN c.contype = 'f' AND rn.nspname = $2 THEN
              'FOREIGN KEY (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num)
              || ') REFERENCES ' || CASE WHEN pg_table_is_visible(r.oid) THEN '' ELSE quote_ident(rn.nspname) || '.' END || quote_ident(r.relname) || '('
            END AS "referencedAs"
       FROM pg_constraint c LEFT JOIN pg_class r ON r.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE c.conrelid = ANY ($1) AND c.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY c.conrelid, c.contype, c.conname`,
    [oids, schema],
  )
  // pg_get_indexdef names the source's schema and table (CREATE INDEX x ON src.t USING btree (a)); "head" is
  // that start exactly as it prints it (its format, quote_ident being its quote_identifier).
  const indexes = await client.query<PgIndex & { table: number }>(
    `SELECT i.indrelid AS "table", ic.relname AS name, i.indisunique AS "unique", am.amname AS method, pg_get_indexdef(i.indexrelid) AS def,
            format('CREATE %sINDEX %s ON %s%s.%s USING %s ', CASE WHEN i.indisunique THEN 'UNIQUE ' END, quote_ident(ic.relname), CASE WHEN ic.relkind = 'I' THEN 'ONLY ' END,
                   quote_ident(tn.nspname), quote_ident(t.relname), quote_ident(am.amname)) AS head
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
       JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE i.indrelid = ANY ($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
      ORDER BY i.indrelid, i.indexrelid`,
    [oids],
  )
  return tables.rows.map((t) => {
    const cols = columns.rows.filter((c) => c.table === t.oid)
    const primaryKey = constraints.rows.find((c) => c.table === t.oid && c.type === 'p')?.columns ?? []
    return {
      oid: t.oid,
      name: t.name,
      columns: cols,
      primaryKey,
      keyTypes: primaryKey.map((k) => cols.find((c) => c.name === k)?.type ?? 'text'),
      constraints: constraints.rows.filter((c) => c.table === t.oid),
      indexes: indexes.rows.filter((i) => i.table === t.oid),
    }
  })
}

/** `def` with its `head` (as the source printed it) replaced: the same index or foreign key on the target's tables. */
function replaceHead(what: string, def: string, head: string, replacement: string): string {
  if (!def.startsWith(head)) throw new Error(`The source defines ${what} in an unexpected form, which cannot be moved to the target schema: ${def}`)
  return replacement + def.slice(head.length)
}

/** The column's type on a target Lockstep creates: built-in types as they are, domains as their base type, other user types as text. */
function targetTypeOf(c: PgColumn): { type: string; warning?: string } {
  if (c.builtin) return { type: c.type }
  if (c.typtype === 'd' && c.baseType) return { type: c.baseType, warning: `the domain ${c.type} becomes its base type ${c.baseType} (its checks are not copied)` }
  return { type: 'text', warning: `the type ${c.type} (${c.typtype === 'e' ? 'an enum' : 'user-defined'}) becomes text` }
}

export function postgresSource(target: PostgresTarget, options: { schema?: string; label?: string } = {}): CopySource {
  const schema = options.schema ?? 'public'
  let main: pg.Client | null = null
  let known: PgTable[] = []
  const connection = async () => (main ??= await openTargetConnection(target, 'lockstep copy (source)'))
  const tableOf = (name: string) => {
    const table = known.find((t) => t.name === name)
    if (!table) throw new Error(`The source has no table “${name}”.`)
    return table
  }
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`

  return {
    engine: 'postgres',
    label: options.label ?? `${target.host}:${target.port}/${target.database}`,
    async tables(only) {
      const client = await connection()
      known = await readSchema(client, schema)
      const missing = (only ?? []).filter((name) => !known.some((t) => t.name === name))
      if (missing.length) throw new Error(`The source has no table ${missing.map((m) => `“${m}”`).join(', ')} in the schema ${schema}.`)
      const chosen = known.filter((t) => !only || only.includes(t.name))
      const result: SourceTable[] = []
      for (const t of chosen) {
        const rows = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(t.name)}`)).rows[0]?.n ?? 0)
        const key = t.primaryKey.length === 0 ? 'none' : t.primaryKey.length === 1 && INTEGER_TYPES.has(t.keyTypes[0] ?? '') ? 'integer' : 'composite'
        result.push({
          name: t.name,
          columns: t.columns.filter((c) => !c.generated).map((c) => ({ name: c.name, type: catalogTypeOf(c.type) })),
          rows,
          key,
          references: [...new Set(t.constraints.filter((c) => c.type === 'f' && c.references && c.references !== t.name).map((c) => c.references as string))],
        })
      }
      return result
    },
    async ddl(tables, targetSchema) {
      const warnings: string[] = []
      const beforeLoad: string[] = []
      const keys: string[] = []
      const after: string[] = []
      const fks: string[] = []
      const tq = (name: string) => `${quoteIdent(targetSchema)}.${quoteIdent(name)}`
      for (const { name } of tables) {
        const t = tableOf(name)
        const columns = t.columns.map((c) => {
          const { type, warning } = targetTypeOf(c)
          if (warning) warnings.push(`${t.name}.${c.name}: ${warning}`)
          const serial = !c.identity && c.default?.startsWith('nextval(') && INTEGER_TYPES.has(c.type)
          let sql = `${quoteIdent(c.name)} ${type}`
          if (c.generated) sql += ` GENERATED ALWAYS AS (${c.default}) STORED`
          else if (c.identity || serial) sql += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`
          else if (c.default !== null) sql += ` DEFAULT ${c.default}`
          if (c.notNull && !c.identity && !serial) sql += ' NOT NULL'
          if (c.identity || serial) after.push(restartIdentitySql(targetSchema, t.name, c.name))
          return sql
        })
        beforeLoad.push(`CREATE TABLE ${tq(t.name)} (\n  ${columns.join(',\n  ')}\n)`)
        for (const c of t.constraints) {
          // A reference to a table of the source's schema becomes one to the same table in the target's.
          const def = c.referencedAs !== null && c.references !== null ? replaceHead(`the foreign key ${c.name}`, c.def, c.referencedAs, `FOREIGN KEY (${c.columns.map(quoteIdent).join(', ')}) REFERENCES ${tq(c.references)}(`) : c.def
          const statement = `ALTER TABLE ${tq(t.name)} ADD CONSTRAINT ${quoteIdent(c.name)} ${def}`
          if (c.type === 'f') fks.push(statement)
          else keys.push(statement)
        }
        for (const i of t.indexes) after.push(replaceHead(`the index ${i.name}`, i.def, i.head, `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${tq(t.name)} USING ${quoteIdent(i.method)} `))
      }
      return { beforeLoad, afterLoad: [...keys, ...after, ...fks], warnings } satisfies Ddl
    },
    async bounds(table) {
      const t = tableOf(table.name)
      const key = quoteIdent(t.primaryKey[0] ?? '')
      const { rows } = await (await connection()).query<{ lo: string | null; hi: string | null }>(`SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ${q(t.name)}`)
      const row = rows[0]
      return !row || row.lo === null || row.hi === null ? null : { min: BigInt(row.lo), max: BigInt(row.hi) }
    },
    formatFor(table, targetTypes) {
      const t = tableOf(table.name)
      const columns = t.columns.filter((c) => !c.generated)
      // Binary is exact and cheapest, but only between identical built-in types.
      return columns.every((c, i) => c.builtin && c.type === targetTypes[i]) ? 'binary' : 'text'
    },
    async reader(): Promise<ChunkReader> {
      const client = await openTargetConnection(target, 'lockstep copy (source reader)')
      return {
        async chunk(table: SourceTable, columns: ColumnPlan[], range, sink: Writable, format): Promise<ChunkResult> {
          const t = tableOf(table.name)
          const list = columns.map((c) => quoteIdent(c.name)).join(', ')
          const keyList = t.primaryKey.map(quoteIdent).join(', ')
          const keyRow = (values: readonly KeyValue[]) => `(${values.map((v, i) => `${client.escapeLiteral(keyValueText(v))}::${t.keyTypes[i]}`).join(', ')})`
          const where: string[] = []
          let lastKey: KeyValue[] | null = null
          let exhausted = true
          if (table.key !== 'none') {
            if (range.after) where.push(`(${keyList}) > ${keyRow(range.after)}`)
            if (range.hi !== null && table.key === 'integer') where.push(`${keyList} <= ${client.escapeLiteral(range.hi)}::${t.keyTypes[0]}`)
            const filter = where.length ? ` WHERE ${where.join(' AND ')}` : ''
            const upper = await client.query({ text: `SELECT ${t.primaryKey.map((k) => `${quoteIdent(k)}::text`).join(', ')} FROM ${q(t.name)}${filter} ORDER BY ${keyList} OFFSET ${range.limit - 1} LIMIT 1`, rowMode: 'array' })
            const edge = upper.rows[0] as string[] | undefined
            if (edge) {
              where.push(`(${keyList}) <= ${keyRow(edge)}`)
              lastKey = edge
              exhausted = false
            }
          }
          const source = client.query(copyTo(`COPY (SELECT ${list} FROM ${q(t.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) TO STDOUT (FORMAT ${format})`))
          source.pipe(sink, { end: false })
          await finished(source)
          const rows = source.rowCount
          return { read: rows, written: rows, rejects: [], lastKey, exhausted }
        },
        close: () => client.end().catch(() => undefined),
      }
    },
    async close() {
      await main?.end().catch(() => undefined)
      main = null
    },
  }
}
