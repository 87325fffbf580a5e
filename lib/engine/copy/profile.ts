import Database from 'better-sqlite3'
import type pg from 'pg'
import {
  EPOCH_SECONDS_RANGE,
  PROFILE_SAMPLE_ROWS,
  type ColumnCounts,
  type ProfiledColumn,
  type ProfiledForeignKey,
  type ProfiledTable,
  type SourceProfile,
} from '@/lib/domain/source-profile'
import { quoteIdent } from '@/lib/targets/quote'
import { ownRows, readSchema, type PgTable } from './postgres-source'
import { readSqliteSchema, type SqliteTable } from './sqlite-schema'
import { catalogTypeOf } from './sqlite-types'

// What the one-click mapping rules (lib/domain/mapping-rules.ts) need to know of a source, read cheaply: the
// schema from the catalog, one aggregate query per table over its first PROFILE_SAMPLE_ROWS rows for the value
// counts, and one NOT EXISTS query per foreign key over the whole table, since orphans must be counted exactly.

const { min, max } = EPOCH_SECONDS_RANGE
const HEX = '[0-9A-Fa-f]'
const UUID_GLOB = [8, 4, 4, 4, 12].map((n) => HEX.repeat(n)).join('-')
const UUID_REGEX = `^${[8, 4, 4, 4, 12].map((n) => `[0-9a-fA-F]{${n}}`).join('-')}$`
/** Columns per aggregate query: SQLite answers at most 2,000 result columns by default, seven are counted per column. */
const COLUMNS_PER_QUERY = 100

const COUNT_NAMES = ['values', 'uuid', 'epochSeconds', 'epochMillis', 'boolean', 'json', 'padded'] as const
const zero = (): ColumnCounts => ({
  values: 0,
  uuid: 0,
  epochSeconds: 0,
  epochMillis: 0,
  boolean: 0,
  json: 0,
  padded: 0,
})

/** What jsonb would take: JSON text (an object or an array here) without the NUL character PostgreSQL refuses. */
export function isJsonDocument(text: string): boolean {
  const start = text.trimStart()[0]
  if (start !== '{' && start !== '[') return false
  try {
    JSON.parse(text)
  } catch {
    return false
  }
  return !text.includes('\\u0000')
}

const chunks = <T>(items: readonly T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size))

/** The tables asked for (all when none are named); a name the source does not have is an error naming it. */
function chosen<T extends { name: string }>(all: readonly T[], only: readonly string[] | undefined, where: string) {
  const missing = (only ?? []).filter((name) => !all.some((t) => t.name === name))
  if (missing.length) throw new Error(`The source has no table ${missing.map((m) => `“${m}”`).join(', ')}${where}.`)
  return all.filter((t) => !only || only.includes(t.name))
}

/** Profiles a SQLite file, opened read-only; `tables`: only these (by their SQLite names). */
export function profileSqlite(path: string, tables?: readonly string[]): SourceProfile {
  let db: Database.Database
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new Error(`The SQLite file ${path} cannot be opened: ${(error as Error).message}`)
  }
  try {
    db.function('lockstep_is_json', { deterministic: true }, (text: unknown) =>
      typeof text === 'string' && isJsonDocument(text) ? 1 : 0,
    )
    const all = readSqliteSchema(db)
    return {
      sampleRows: PROFILE_SAMPLE_ROWS,
      tables: chosen(all, tables, '').map((t) => {
        try {
          return sqliteTable(db, t, all)
        } catch (error) {
          throw new Error(`The SQLite table ${t.name} cannot be profiled: ${(error as Error).message}`)
        }
      }),
    }
  } finally {
    db.close()
  }
}

function sqliteCounts(x: string): string[] {
  const text = `typeof(${x}) = 'text'`
  const number = `typeof(${x}) IN ('integer', 'real')`
  return [
    `count(${x})`,
    `sum(${text} AND length(${x}) = 36 AND ${x} GLOB '${UUID_GLOB}')`,
    `sum(${number} AND ${x} BETWEEN ${min} AND ${max})`,
    `sum(${number} AND ${x} BETWEEN ${min * 1000} AND ${max * 1000})`,
    `sum(typeof(${x}) IN ('text', 'integer') AND lower(${x}) IN ('0', '1', 'true', 'false'))`,
    `sum(${text} AND substr(ltrim(${x}), 1, 1) IN ('{', '[') AND lockstep_is_json(${x}))`,
    `sum(${text} AND ${x} <> trim(${x}))`,
  ].map((sql) => `coalesce(${sql}, 0)`)
}

function sqliteTable(db: Database.Database, t: SqliteTable, all: readonly SqliteTable[]): ProfiledTable {
  const counts = new Map(t.columns.map((c) => [c.name, zero()]))
  let sampled = 0
  for (const part of chunks(t.columns, COLUMNS_PER_QUERY)) {
    const list = part.map((c) => quoteIdent(c.name)).join(', ')
    const row = db
      .prepare(
        `SELECT count(*), ${part.flatMap((c) => sqliteCounts(quoteIdent(c.name))).join(', ')} FROM (SELECT ${list} FROM ${quoteIdent(t.name)} LIMIT ${PROFILE_SAMPLE_ROWS})`,
      )
      .raw()
      .get() as number[]
    sampled = Number(row[0])
    part.forEach((c, i) => {
      const target = counts.get(c.name) ?? zero()
      COUNT_NAMES.forEach((name, j) => (target[name] = Number(row[1 + i * COUNT_NAMES.length + j])))
    })
  }
  const unique = new Set([
    ...(t.primaryKey.length === 1 ? t.primaryKey : []),
    ...t.indexes.filter((i) => i.unique && !i.partial && i.columns.length === 1).map((i) => i.columns[0] ?? ''),
  ])
  const columns = t.columns.map<ProfiledColumn>((c) => ({
    name: c.name,
    sourceType: c.declared,
    kind: c.type.kind,
    isText: c.type.kind === 'text' || c.type.kind === 'varchar',
    isPrimaryKey: c.pkPosition > 0,
    isUnique: unique.has(c.name),
    counts: counts.get(c.name) ?? zero(),
  }))
  const sameName = (a: string) => (b: { name: string }) => b.name.toLowerCase() === a.toLowerCase()
  const foreignKeys = t.foreignKeys.map<ProfiledForeignKey>((fk) => {
    const parent = all.find((p) => p.name === fk.table) ?? all.find(sameName(fk.table))
    const columnsOf = (table: SqliteTable, names: readonly string[]) =>
      names.map((n) => table.columns.find(sameName(n))?.name ?? n)
    const childColumns = columnsOf(t, fk.columns)
    if (!parent)
      return {
        columns: childColumns,
        parent: fk.table,
        references: fk.references,
        orphans: null,
        note: 'the table it references does not exist in the source',
      }
    // REFERENCES parent without columns means the parent's primary key.
    const references = fk.references.every((r) => r) ? columnsOf(parent, fk.references) : parent.primaryKey
    const key = { columns: childColumns, parent: parent.name, references }
    if (references.length !== childColumns.length || references.some((r) => !parent.columns.some((c) => c.name === r)))
      return { ...key, orphans: null, note: `the columns it references are not a key of ${parent.name}` }
    const set = childColumns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ')
    const match = childColumns.map((c, i) => `p.${quoteIdent(references[i] ?? '')} = c.${quoteIdent(c)}`).join(' AND ')
    const orphans = db
      .prepare(
        `SELECT count(*) FROM ${quoteIdent(t.name)} AS c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(parent.name)} AS p WHERE ${match})`,
      )
      .pluck()
      .get() as number
    return { ...key, orphans: Number(orphans) }
  })
  return { name: t.name, sampled, columns, foreignKeys }
}

const PG_TEXT = /^(text|character varying(\(\d+\))?|character(\(\d+\))?)$/
const PG_NUMBER = /^(smallint|integer|bigint|real|double precision|numeric(\(\d+(,\d+)?\))?)$/

function postgresCounts(x: string, type: string): string[] {
  const where = (condition: string) => `count(*) FILTER (WHERE ${condition})::int`
  const text = PG_TEXT.test(type)
  const number = PG_NUMBER.test(type)
  return [
    `count(${x})::int`,
    text ? where(`${x}::text ~ '${UUID_REGEX}'`) : '0',
    number ? where(`${x} BETWEEN ${min} AND ${max}`) : '0',
    number ? where(`${x} BETWEEN ${min * 1000} AND ${max * 1000}`) : '0',
    text ? where(`lower(${x}::text) IN ('0', '1', 'true', 'false')`) : '0',
    // Text that starts like a JSON document; parsed afterwards (IS JSON is PostgreSQL 16's).
    text ? where(`${x}::text ~ '^\\s*[[{]'`) : '0',
    text ? where(`${x}::text <> trim(${x}::text)`) : '0',
  ]
}

/** Profiles the tables of `schema` (all, or those named) on an open connection. */
export async function profilePostgres(
  client: pg.Client,
  schema: string,
  tables?: readonly string[],
): Promise<SourceProfile> {
  const all = await readSchema(client, schema)
  const picked = chosen(all, tables, ` in the schema ${schema}`)
  const oids = picked.map((t) => t.oid)
  const { rows: parents } = await client.query<{ table: number; name: string; schema: string; kind: 'r' | 'p' }>(
    `SELECT c.conrelid::int AS "table", c.conname AS name, rn.nspname AS schema, r.relkind AS kind
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE c.contype = 'f' AND c.conrelid = ANY ($1)`,
    [oids],
  )
  const { rows: unique } = await client.query<{ table: number; column: string }>(
    `SELECT i.indrelid::int AS "table", a.attname AS "column" FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = ANY ($1) AND i.indisunique AND i.indnkeyatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL`,
    [oids],
  )
  const result: ProfiledTable[] = []
  for (const t of picked) {
    try {
      const keys = parents.filter((p) => p.table === t.oid)
      result.push(
        await postgresTable(
          client,
          schema,
          t,
          keys,
          new Set(unique.filter((u) => u.table === t.oid).map((u) => u.column)),
        ),
      )
    } catch (error) {
      throw new Error(`The PostgreSQL table ${schema}.${t.name} cannot be profiled: ${(error as Error).message}`)
    }
  }
  return { sampleRows: PROFILE_SAMPLE_ROWS, tables: result }
}

async function postgresTable(
  client: pg.Client,
  schema: string,
  t: PgTable,
  parents: readonly { name: string; schema: string; kind: 'r' | 'p' }[],
  unique: ReadonlySet<string>,
): Promise<ProfiledTable> {
  const qualified = (s: string, name: string) => `${quoteIdent(s)}.${quoteIdent(name)}`
  const columns = t.columns.filter((c) => !c.generated)
  const counts = new Map(columns.map((c) => [c.name, zero()]))
  const sample = (list: string) =>
    `(SELECT ${list} FROM ${ownRows(t, qualified(schema, t.name))} LIMIT ${PROFILE_SAMPLE_ROWS}) AS s`
  let sampled = 0
  for (const part of chunks(columns, COLUMNS_PER_QUERY)) {
    const list = part.map((c) => quoteIdent(c.name)).join(', ') || '1'
    const { rows } = await client.query({
      text: `SELECT count(*)::int, ${part.flatMap((c) => postgresCounts(quoteIdent(c.name), c.type)).join(', ')} FROM ${sample(list)}`,
      rowMode: 'array',
    })
    const row = (rows[0] ?? []) as number[]
    sampled = Number(row[0] ?? 0)
    part.forEach((c, i) => {
      const target = counts.get(c.name) ?? zero()
      COUNT_NAMES.forEach((name, j) => (target[name] = Number(row[1 + i * COUNT_NAMES.length + j] ?? 0)))
    })
  }
  // Only a column whose every value starts like a JSON document is read, and only its sampled values.
  for (const c of columns) {
    const n = counts.get(c.name)
    if (!n || !n.values || n.json !== n.values) continue
    const x = quoteIdent(c.name)
    const { rows } = await client.query({
      text: `SELECT ${x}::text FROM ${sample(x)} WHERE ${x} IS NOT NULL`,
      rowMode: 'array',
    })
    n.json = rows.filter((r) => isJsonDocument(String((r as unknown[])[0]))).length
  }
  const profiled = columns.map<ProfiledColumn>((c) => ({
    name: c.name,
    sourceType: c.type,
    kind: catalogTypeOf(c.type).kind,
    isText: c.builtin && PG_TEXT.test(c.type),
    isPrimaryKey: t.primaryKey.includes(c.name),
    isUnique: unique.has(c.name),
    counts: counts.get(c.name) ?? zero(),
  }))
  const foreignKeys: ProfiledForeignKey[] = []
  for (const fk of t.constraints.filter((k) => k.type === 'f')) {
    const parent = parents.find((p) => p.name === fk.name)
    const parentSchema = parent?.schema ?? schema
    const parentName = fk.references ?? ''
    const set = fk.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ')
    const match = fk.columns.map((c, i) => `p.${quoteIdent(fk.refColumns[i] ?? '')} = c.${quoteIdent(c)}`).join(' AND ')
    const parentRows = ownRows({ kind: parent?.kind ?? 'r' }, qualified(parentSchema, parentName))
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${ownRows(t, qualified(schema, t.name))} AS c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${parentRows} AS p WHERE ${match})`,
    )
    foreignKeys.push({
      columns: fk.columns,
      parent: parentName,
      ...(parentSchema !== schema ? { parentSchema } : {}),
      references: fk.refColumns,
      orphans: Number(rows[0]?.n ?? 0),
    })
  }
  return { name: t.name, sampled, columns: profiled, foreignKeys }
}
