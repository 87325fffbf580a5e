import { once } from 'node:events'
import type { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { fromKeyValue, keyText, toKeyValue, type ChunkReader, type ChunkResult, type ColumnPlan, type CopySource, type KeyValue, type RejectedRow, type SourceTable } from './model'
import { postgresDdl, quoteIdent, readSqliteSchema, type SqliteTable } from './sqlite-schema'
import { dateEncodingFrom, encoderFor, isRejected, type DateEncoding, type Encoder } from './values'

// A SQLite database as a copy source. Rows are read in key order with better-sqlite3's raw iterator
// (safe integers: no precision lost beyond 2^53), each value checked and encoded for COPY's text format
// by its column's type (values.ts), and streamed into the COPY with backpressure: memory stays bounded
// by one chunk's buffer whatever the table's size. Every rowid table is read by rowid – also those
// without a primary key – and WITHOUT ROWID tables by their primary key.

/** Buffered COPY text is handed to the stream in pieces of about this size. */
const FLUSH_CHARS = 256 * 1024

const open = (path: string) => new Database(path, { readonly: true, fileMustExist: true })

/** The name the table's rowid answers to (a column may be called rowid). */
function rowidName(table: SqliteTable): string {
  if (table.rowidAlias) return quoteIdent(table.rowidAlias)
  const taken = new Set(table.columns.map((c) => c.name.toLowerCase()))
  const free = ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n))
  if (!free) throw new Error(`The table ${table.name} has columns named rowid, _rowid_ and oid; it cannot be read in rowid order.`)
  return free
}

const describeValue = (v: unknown) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? `x'${v.subarray(0, 32).toString('hex')}${v.length > 32 ? '…' : ''}'` : String(v).slice(0, 200))

export function sqliteSource(path: string, label = path): CopySource {
  const db = open(path)
  const schema = new Map<string, SqliteTable>()
  const dates = new Map<string, DateEncoding>()

  const schemaOf = (name: string) => {
    const table = schema.get(name)
    if (!table) throw new Error(`The source has no table “${name}”.`)
    return table
  }

  /** How a datetime column stores its instants, decided once from every stored value (not row by row). */
  function dateEncodingOf(table: string, column: string): DateEncoding {
    const cacheKey = `${table}\u0000${column}`
    const known = dates.get(cacheKey)
    if (known) return known
    const c = quoteIdent(column)
    const numeric = `(typeof(${c}) IN ('integer', 'real') OR (typeof(${c}) = 'text' AND ${c} GLOB '[0-9]*' AND ${c} NOT GLOB '*[^0-9.]*'))`
    const counts = db.prepare(`SELECT count(*) - coalesce(sum(${numeric}), 0) AS text, coalesce(sum(${numeric} AND abs(${c}) < 1e11), 0) AS seconds, coalesce(sum(${numeric} AND abs(${c}) >= 1e11), 0) AS millis FROM ${quoteIdent(table)} WHERE ${c} IS NOT NULL`).get() as Record<'text' | 'seconds' | 'millis', number>
    const encoding = dateEncodingFrom(counts)
    dates.set(cacheKey, encoding)
    return encoding
  }

  return {
    engine: 'sqlite',
    label,
    async tables(only) {
      const tables = readSqliteSchema(db, only)
      const missing = (only ?? []).filter((name) => !tables.some((t) => t.name === name))
      if (missing.length) throw new Error(`The source has no table ${missing.map((m) => `“${m}”`).join(', ')}.`)
      return tables.map<SourceTable>((t) => {
        schema.set(t.name, t)
        const rows = (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`).get() as { n: number }).n
        return { name: t.name, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), rows, key: t.withoutRowid ? 'composite' : 'integer', references: [...new Set(t.foreignKeys.map((f) => f.table).filter((r) => r !== t.name))] }
      })
    },
    async ddl(tables, targetSchema) {
      return postgresDdl(
        tables.map((t) => schemaOf(t.name)),
        targetSchema,
      )
    },
    async bounds(table) {
      const t = schemaOf(table.name)
      const id = rowidName(t)
      const row = db.prepare(`SELECT min(${id}) AS lo, max(${id}) AS hi FROM ${quoteIdent(t.name)}`).safeIntegers(true).get() as { lo: bigint | null; hi: bigint | null }
      return row.lo === null || row.hi === null ? null : { min: BigInt(row.lo), max: BigInt(row.hi) }
    },
    formatFor: () => 'text',
    async reader(): Promise<ChunkReader> {
      const own = open(path)
      const statements = new Map<string, Database.Statement>()
      const prepared = (sql: string) => {
        let s = statements.get(sql)
        if (!s) statements.set(sql, (s = own.prepare(sql).raw(true).safeIntegers(true))) // exact integers beyond 2^53
        return s
      }
      return {
        async chunk(table: SourceTable, columns: ColumnPlan[], range, sink: Writable): Promise<ChunkResult> {
          const t = schemaOf(table.name)
          const keyColumns = table.key === 'integer' ? [rowidName(t)] : t.primaryKey.map(quoteIdent)
          const keyList = keyColumns.join(', ')
          const where: string[] = []
          const params: unknown[] = []
          if (range.after) {
            where.push(keyColumns.length === 1 ? `${keyList} > ?` : `(${keyList}) > (${keyColumns.map(() => '?').join(', ')})`)
            params.push(...range.after.map(fromKeyValue))
          }
          if (range.hi !== null && table.key === 'integer') {
            where.push(`${keyList} <= ?`)
            params.push(BigInt(range.hi))
          }
          const sql = `SELECT ${keyList}, ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keyList} LIMIT ?`
          const encoders = columns.map((c) => encoderFor(c.type, { dates: ['timestamptz', 'timestamp', 'date'].includes(c.type.kind) ? dateEncodingOf(t.name, c.name) : undefined }))
          // What identifies a row to a person: its primary key, else its rowid.
          const shownKey = t.primaryKey.length ? t.primaryKey.map((k) => columns.findIndex((c) => c.name === k)) : []
          const offset = keyColumns.length
          const width = columns.length
          const rejects: RejectedRow[] = []
          let read = 0
          let written = 0
          let last: unknown[] | null = null
          let buffer = ''
          for (const row of prepared(sql).iterate(...params, range.limit) as Iterable<unknown[]>) {
            read++
            last = row
            let line = ''
            let bad: RejectedRow[] | null = null
            for (let i = 0; i < width; i++) {
              const value = row[offset + i]
              const field = (encoders[i] as Encoder)(value)
              if (isRejected(field)) {
                const key = shownKey.length && shownKey.every((k) => k >= 0) ? keyText(shownKey.map((k) => row[offset + k])) : keyText(row.slice(0, offset))
                ;(bad ??= []).push({ table: t.name, key, column: columns[i]?.name ?? '', reason: field.reject, value: describeValue(value) })
              } else line += i === 0 ? field : `\t${field}`
            }
            if (bad) {
              rejects.push(...bad)
              continue
            }
            buffer += `${line}\n`
            written++
            if (buffer.length >= FLUSH_CHARS) {
              const more = sink.write(buffer)
              buffer = ''
              if (!more) await once(sink, 'drain')
            }
          }
          if (buffer) sink.write(buffer)
          const lastKey: KeyValue[] | null = last ? last.slice(0, offset).map(toKeyValue) : null
          return { read, written, rejects, lastKey, exhausted: read < range.limit }
        },
        async close() {
          own.close()
        },
      }
    },
    async close() {
      db.close()
    },
  }
}
