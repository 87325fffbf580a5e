import Database from 'better-sqlite3'
import type pg from 'pg'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { PREVIEW_ROWS, type PreviewCell, type TablePreview } from '@/lib/domain/source-inspection'
import { openTargetConnection } from '@/lib/targets/sql/session'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { keyText } from './model'
import { postgresSource } from './postgres-source'
import { postgresDdl, rowidName } from './sqlite-schema'
import { readMappedSqliteSchema } from './sqlite-mapping'
import { columnDateEncoding } from './sqlite-source'
import { encoderFor, isRejected, NULL_FIELD, type Encoder } from './values'

// A table as a copy through a mapping will make it, before anything runs: the target's CREATE TABLE and its
// first rows read from the real source – transforms computed and filters applied by the source's engine, every
// value checked as the copy checks it, a misfit marked with the reason the rejected row would carry.

const DATE_KINDS = new Set(['timestamptz', 'timestamp', 'date'])

/** A COPY text field as the value it stands for (the preview shows values, not their escapes). */
const shown = (field: string): string | null =>
  field === NULL_FIELD
    ? null
    : field.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c))

const raw = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : Buffer.isBuffer(value)
      ? `x'${value.subarray(0, 32).toString('hex')}${value.length > 32 ? '…' : ''}'`
      : String(value).slice(0, 200)

/** One value checked by its column's encoder: what will arrive, or why the row will be rejected. */
function cellOf(encode: Encoder, value: unknown, transform: string | undefined): PreviewCell {
  const field = encode(value)
  if (isRejected(field))
    return {
      value: raw(value),
      misfit: `${field.reject}${transform ? ` – the value the transform ${transform} gave` : ''}`,
    }
  return { value: shown(field) }
}

export function previewSqliteTable(path: string, table: string, mapping: TCopyMapping): TablePreview {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const t = readMappedSqliteSchema(db, [table], mapping).find((x) => x.name === table)
    if (!t) throw new Error(`The source has no table “${table}”.`)
    const ddl = postgresDdl([t], 'public', { db, copiedAll: false, mapping })
    const key = t.withoutRowid ? t.primaryKey.map(quoteIdent) : [rowidName(t)]
    const where = t.filter ? ` WHERE ${t.filter}` : ''
    const read = t.columns.map((c) => (c.transform ? `(${c.transform})` : quoteIdent(c.name)))
    const rows = db
      .prepare(
        `SELECT ${[...key, ...read].join(', ')} FROM ${quoteIdent(t.name)}${where} ORDER BY ${key.join(', ')} LIMIT ${PREVIEW_ROWS}`,
      )
      .raw(true)
      .safeIntegers(true)
      .all() as unknown[][]
    const encoders = t.columns.map((c) =>
      encoderFor(c.type, {
        dates: DATE_KINDS.has(c.type.kind)
          ? columnDateEncoding(db, t.name, c.name, { transform: c.transform, filter: t.filter })
          : undefined,
        notNull:
          c.notNull && t.rowidAlias !== c.name ? `NULL in ${c.name}, which is NOT NULL on the target` : undefined,
      }),
    )
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number | bigint }).n)
    const pk = t.primaryKey.map((k) => t.columns.findIndex((c) => c.name === k))
    return {
      table: t.name,
      targetName: t.pgName,
      createTable: ddl.beforeLoad.find((s) => s.startsWith('CREATE TABLE')) ?? '',
      columns: t.columns.map((c) => ({
        name: c.pgName,
        type: c.type.sql,
        source: c.name,
        ...(c.transform ? { transform: c.transform } : {}),
      })),
      rows: rows.map((row) => {
        const values = row.slice(key.length)
        const named = pk.length && pk.every((i) => i >= 0) ? pk.map((i) => values[i]) : row.slice(0, key.length)
        return {
          key: keyText(named),
          cells: values.map((v, i) => cellOf(encoders[i] as Encoder, v, t.columns[i]?.transform)),
        }
      }),
      totalRows: count(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`),
      keptRows: count(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}${where}`),
      warnings: ddl.warnings,
    }
  } finally {
    db.close()
  }
}

export async function previewPostgresTable(
  target: PostgresTarget,
  table: string,
  mapping: TCopyMapping,
): Promise<TablePreview> {
  const source = postgresSource(target, { mapping, mode: 'create' })
  let client: pg.Client | null = null
  try {
    const [t] = await source.tables([table])
    if (!t) throw new Error(`The source has no table “${table}”.`)
    const ddl = await source.ddl([t], 'public')
    const entry = mapping.tables.find((m) => m.table === table)
    const rule = (column: string) => entry?.columns.find((c) => c.column === column)
    const c = await openTargetConnection(target, 'lockstep preview')
    client = c
    await c.query(`SET default_transaction_read_only = on; SET TimeZone = 'UTC'`)
    const keys = await c.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [`public.${quoteIdent(table)}`],
    )
    const key = keys.rows.length ? keys.rows.map((k) => quoteIdent(k.name)) : ['ctid']
    const from = `ONLY public.${quoteIdent(table)}${entry?.filter ? ` WHERE ${entry.filter}` : ''}`
    const read = t.columns.map((c) => `(${rule(c.name)?.transform ?? quoteIdent(c.name)})::text`)
    const { rows } = await c.query({
      text: `SELECT ${key.map((k) => `${k}::text`).join(', ')}, ${read.join(', ')} FROM ${from} ORDER BY ${key.join(', ')} LIMIT ${PREVIEW_ROWS}`,
      rowMode: 'array',
    })
    const count = async (where: string) =>
      Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${where}`)).rows[0]?.n ?? 0)
    // Values the mapping leaves alone go as PostgreSQL prints them; those it changes are checked.
    const encoders = t.columns.map((c) =>
      rule(c.name)?.type || rule(c.name)?.transform
        ? encoderFor(c.type)
        : (v: unknown) => (v === null ? NULL_FIELD : String(v)),
    )
    const renames = ddl.renames ?? []
    return {
      table,
      targetName: t.name,
      createTable: [ddl.beforeLoad.find((s) => s.startsWith('CREATE TABLE')) ?? '', ...renames.map((r) => r.sql)].join(
        ';\n',
      ),
      columns: t.columns.map((c) => ({
        name: rule(c.name)?.rename ?? c.name,
        type: c.type.sql,
        source: c.name,
        ...(rule(c.name)?.transform ? { transform: rule(c.name)?.transform } : {}),
      })),
      rows: (rows as (string | null)[][]).map((row) => ({
        key: row.slice(0, key.length).join(', '),
        cells: row
          .slice(key.length)
          .map((v, i) =>
            v === null ? { value: null } : cellOf(encoders[i] as Encoder, v, rule(t.columns[i]?.name ?? '')?.transform),
          ),
      })),
      totalRows: await count(`ONLY public.${quoteIdent(table)}`),
      keptRows: await count(from),
      warnings: ddl.warnings,
    }
  } finally {
    await client?.end().catch(() => undefined)
    await source.close()
  }
}
