import { once } from 'node:events'
import type { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { quoteIdent } from '@/lib/targets/quote'
import {
  type ChunkReader,
  type ChunkResult,
  type ColumnPlan,
  type CopySource,
  type NotCopied,
  type SourceTable,
} from './model'
import { postgresDdl, readSqliteSchema, rowidName, type SqliteTable } from './sqlite-schema'
import { readMappedSqliteSchema } from './sqlite-mapping'
import type { ChunkJob } from './sqlite/encode-chunk'
import { startReaderThread } from './sqlite/thread'
import type { FromWorker, ToWorker } from './sqlite/worker'
import { dateEncodingFrom, type DateEncoding } from './values'
import { binaryFits } from './binary-values'

// A SQLite database as a copy source. Each job reads and encodes its chunks in a worker thread of its
// own (sqlite/worker.ts) – rows in key order, every value checked against its column's type – and the
// COPY text streams into the target with backpressure: memory stays bounded whatever the table's size.
// Every rowid table is read by rowid – also those without a primary key – and WITHOUT ROWID tables by
// their primary key.

/** Column kinds whose values are instants: how a column stores them is decided once (columnDateEncoding). */
export const DATE_KINDS = new Set(['timestamptz', 'timestamp', 'date'])

/** What a datetime column's values are taken to mean, said in the copy's summary. */
const DATE_ASSUMPTION: Record<DateEncoding, string> = {
  iso: 'read as ISO 8601 text; a value without a time zone is taken as UTC (SQLite’s convention), fractions of a second kept to the microsecond',
  'epoch-s': 'numbers read as Unix time in seconds (UTC), fractions kept to the microsecond',
  'epoch-ms': 'numbers read as Unix time in milliseconds (UTC), fractions kept to the microsecond',
}

const open = (path: string) => new Database(path, { readonly: true, fileMustExist: true })

/**
 * How a datetime column stores its instants, decided once from every stored value (not row by row). With a
 * mapping, the values are those its transform gives, of the rows its filter keeps.
 */
export function columnDateEncoding(
  db: Database.Database,
  table: string,
  column: string,
  mapped: { transform?: string; filter?: string } = {},
): DateEncoding {
  // Counted over the whole column, storage classes only (DATETIME columns have NUMERIC affinity: numbers
  // written as text are stored as numbers already); the numbers are split only when they are the majority.
  // One pass over the column – over its index when it has one (a covering index is smaller than the table) – unless
  // the index's two ends already show its values alike (indexedDateEncoding).
  if (!mapped.transform && !mapped.filter) {
    const known = indexedDateEncoding(db, table, column)
    if (known) return known
  }
  const from = `${quoteIdent(table)}${mapped.filter ? ` WHERE ${mapped.filter}` : ''}`
  const values =
    mapped.transform || mapped.filter ? `(SELECT ${mapped.transform ?? quoteIdent(column)} AS v FROM ${from})` : from
  const c = mapped.transform || mapped.filter ? 'v' : quoteIdent(column)
  const row = db.prepare(`SELECT ${storageCountsSql(c, '')} FROM ${values}`).get() as {
    stored: number
    text: number
    millis: number
  }
  return encodingOfCounts(row)
}

/** The SQL that counts a column's stored values by storage class, as encodingOfCounts reads them (`as`: name prefix). */
const storageCountsSql = (c: string, as: string) =>
  `count(${c}) AS ${as}stored, coalesce(sum(typeof(${c}) IN ('text', 'blob')), 0) AS ${as}text, coalesce(sum(typeof(${c}) IN ('integer', 'real') AND abs(${c}) >= 1e11), 0) AS ${as}millis`

/**
 * A datetime column's encoding from an index that leads with it, when every stored value is alike: an index holds
 * NULLs, then numbers, then text and blobs, so its least and greatest values tell whether all values are text, or
 * all numbers on one side of ±1e11 (milliseconds or seconds) – the decision encodingOfCounts makes from the counts
 * in those cases. Null when no complete index leads with the column, or its values mix (then they are counted).
 */
function indexedDateEncoding(db: Database.Database, table: string, column: string): DateEncoding | null {
  const indexes = db.prepare(`PRAGMA index_list(${quoteIdent(table)})`).all() as { name: string; partial: number }[]
  const leads = (index: string) =>
    (db.prepare(`PRAGMA index_info(${quoteIdent(index)})`).all() as { seqno: number; name: string | null }[]).some(
      (c) => c.seqno === 0 && c.name === column,
    )
  if (!indexes.some((i) => i.partial === 0 && leads(i.name))) return null
  const end = (fn: 'min' | 'max') =>
    (
      db
        .prepare(`SELECT ${fn}(${quoteIdent(column)}) AS v FROM ${quoteIdent(table)}`)
        .safeIntegers(true)
        .get() as { v: unknown }
    ).v
  const isNumber = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint'
  const lo = end('min')
  if (lo === null) return dateEncodingFrom({ text: 0, seconds: 0, millis: 0 })
  if (!isNumber(lo)) return dateEncodingFrom({ text: 1, seconds: 0, millis: 0 })
  const hi = end('max')
  if (!isNumber(hi)) return null
  const [low, high] = [Number(lo), Number(hi)]
  if (low >= 1e11 || high <= -1e11) return dateEncodingFrom({ text: 0, seconds: 0, millis: 1 })
  if (low > -1e11 && high < 1e11) return dateEncodingFrom({ text: 0, seconds: 1, millis: 0 })
  return null
}

function encodingOfCounts(row: { stored: number; text: number; millis: number }): DateEncoding {
  const millis = row.text >= row.stored - row.text ? 0 : row.millis
  return dateEncodingFrom({ text: row.text, seconds: row.stored - row.text - millis, millis })
}

/** Why a row with NULL in `column` is rejected: the target's column is NOT NULL (SQLite let the NULL in). */
function notNullReason(table: SqliteTable, column: string): string {
  if (table.primaryKey.includes(column))
    return `NULL in the primary key column ${column}: SQLite allows it in a primary key that is not an INTEGER PRIMARY KEY, PostgreSQL does not; the row is not copied and the key is created without it`
  return `NULL in ${column}, which is NOT NULL on the target`
}

/** `mapping`: renames, types, transforms and filters (lib/domain/mapping.ts), applied as the file is read. */
export function sqliteSource(path: string, label = path, options: { mapping?: TCopyMapping } = {}): CopySource {
  const db = open(path)
  const mapping = options.mapping ?? EMPTY_MAPPING
  const leftOut: NotCopied[] = []
  const schema = new Map<string, SqliteTable>()
  const dates = new Map<string, DateEncoding>()

  // Keyed by the table's name on the target (its SQLite name but for names past PostgreSQL's 63 bytes).
  const schemaOf = (name: string) => {
    const table = schema.get(name)
    if (!table) throw new Error(`The source has no table “${name}”.`)
    return table
  }
  let tableCount = 0

  function dateEncodingOf(t: SqliteTable, column: string): DateEncoding {
    const cacheKey = `${t.name}\u0000${column}`
    const known = dates.get(cacheKey)
    if (known) return known
    const transform = t.columns.find((c) => c.name === column)?.transform
    const encoding = columnDateEncoding(db, t.name, column, { transform, filter: t.filter })
    dates.set(cacheKey, encoding)
    return encoding
  }

  return {
    engine: 'sqlite',
    label,
    async tables(only) {
      leftOut.length = 0
      const tables = readMappedSqliteSchema(db, only, mapping, leftOut)
      const missing = (only ?? []).filter((name) => !tables.some((t) => t.name === name || t.pgName === name))
      if (missing.length) throw new Error(`The source has no table ${missing.map((m) => `“${m}”`).join(', ')}.`)
      tableCount = only?.length ? readSqliteSchema(db).length : tables.length
      const pgNameOf = new Map(tables.map((t) => [t.name, t.pgName]))
      return tables.map<SourceTable>((t) => {
        schema.set(t.pgName, t)
        const where = t.filter ? ` WHERE ${t.filter}` : ''
        // The rows counted in the pass that also tells how the table's datetime columns store their instants (its
        // own columns, unfiltered: a mapping's transforms and filters are read on their own, dateEncodingOf).
        // A column an index leads with and whose values are uniform is decided from the index's two ends; the
        // count alone is then a count of the table's b-tree, no pass over its rows.
        const dated = (t.filter ? [] : t.columns.filter((c) => DATE_KINDS.has(c.type.kind) && !c.transform)).filter(
          (c) => {
            const encoding = indexedDateEncoding(db, t.name, c.name)
            if (encoding) dates.set(`${t.name}\u0000${c.name}`, encoding)
            return !encoding
          },
        )
        const counted = db
          .prepare(
            `SELECT ${['count(*) AS n', ...dated.map((c, i) => storageCountsSql(quoteIdent(c.name), `c${i}_`))].join(', ')} FROM ${quoteIdent(t.name)}${where}`,
          )
          .get() as Record<string, number>
        dated.forEach((c, i) =>
          dates.set(
            `${t.name}\u0000${c.name}`,
            encodingOfCounts({
              stored: counted[`c${i}_stored`] ?? 0,
              text: counted[`c${i}_text`] ?? 0,
              millis: counted[`c${i}_millis`] ?? 0,
            }),
          ),
        )
        const rows = counted.n ?? 0
        return {
          name: t.pgName,
          columns: t.columns.map((c) => ({
            name: c.name,
            type: c.type,
            ...(c.pgName !== c.name ? { targetName: c.pgName } : {}),
          })),
          rows,
          key: t.withoutRowid ? 'composite' : 'integer',
          references: [
            ...new Set(t.foreignKeys.map((f) => pgNameOf.get(f.table) ?? f.table).filter((r) => r !== t.pgName)),
          ],
        }
      })
    },
    async ddl(tables, targetSchema) {
      const ddl = postgresDdl(
        tables.map((t) => schemaOf(t.name)),
        targetSchema,
        { db, copiedAll: tables.length === tableCount, mapping },
      )
      return { ...ddl, notCopied: [...leftOut, ...(ddl.notCopied ?? [])] }
    },
    async notes(table, columns) {
      const t = schemaOf(table.name)
      return columns
        .filter((c) => DATE_KINDS.has(c.type.kind))
        .map((c) => `${t.name}.${c.name}: ${DATE_ASSUMPTION[dateEncodingOf(t, c.name)]} (${c.type.sql})`)
    },
    async bounds(table) {
      const t = schemaOf(table.name)
      const id = rowidName(t)
      const row = db
        // Two subqueries: SQLite answers a lone min() or max() from the b-tree's ends, but scans for both at once.
        .prepare(
          `SELECT (SELECT min(${id}) FROM ${quoteIdent(t.name)}) AS lo, (SELECT max(${id}) FROM ${quoteIdent(t.name)}) AS hi`,
        )
        .safeIntegers(true)
        .get() as { lo: bigint | null; hi: bigint | null }
      return row.lo === null || row.hi === null ? null : { min: BigInt(row.lo), max: BigInt(row.hi) }
    },
    // Binary where every column has a binary form and the target's column is of that very type.
    formatFor: (table, targetTypes) =>
      binaryFits(
        table.columns.map((c) => c.type),
        targetTypes,
      )
        ? 'binary'
        : 'text',
    async reader(): Promise<ChunkReader> {
      const worker = startReaderThread(path)
      let failure: Error | null = null
      worker.on('error', (error) => (failure = error))
      let nextId = 0
      return {
        async chunk(table: SourceTable, columns: ColumnPlan[], range, sink: Writable, format): Promise<ChunkResult> {
          if (failure) throw failure
          const t = schemaOf(table.name)
          const keyColumns = table.key === 'integer' ? [rowidName(t)] : t.primaryKey.map(quoteIdent)
          const keyList = keyColumns.join(', ')
          const where: string[] = []
          if (range.after)
            where.push(
              keyColumns.length === 1 ? `${keyList} > ?` : `(${keyList}) > (${keyColumns.map(() => '?').join(', ')})`,
            )
          const hi = range.hi !== null && table.key === 'integer' ? range.hi : null
          if (hi !== null) where.push(`${keyList} <= ?`)
          if (t.filter) where.push(`(${t.filter})`)
          const mapped = new Map(t.columns.map((c) => [c.name, c.transform]))
          const read = (c: ColumnPlan) => {
            const transform = mapped.get(c.name)
            return transform ? `(${transform}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name)
          }
          // A rowid alias that is copied anyway is read once, as a column, not again as the key.
          const keyColumn =
            table.key === 'integer' && t.rowidAlias ? columns.findIndex((c) => c.name === t.rowidAlias) : -1
          const select = (conditions: string[]) =>
            `SELECT ${keyColumn >= 0 ? '' : `${keyList}, `}${columns.map(read).join(', ')} FROM ${quoteIdent(t.name)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${keyList} LIMIT ?`
          const job: ChunkJob = {
            table: table.name,
            sql: select(where),
            // By rowid, the chunk is read in pages, each after the last one's key.
            ...(table.key === 'integer' ? { pageSql: select(range.after ? where : [`${keyList} > ?`, ...where]) } : {}),
            after: range.after,
            hi,
            limit: range.limit,
            keyWidth: keyColumn >= 0 ? 0 : keyColumns.length,
            keyColumn: keyColumn >= 0 ? keyColumn : null,
            columns: columns.map((c) => ({
              name: c.name,
              type: c.type,
              dates: DATE_KINDS.has(c.type.kind) ? dateEncodingOf(t, c.name) : undefined,
              notNull: c.notNull ? notNullReason(t, c.name) : undefined,
              transform: mapped.get(c.name),
            })),
            // What names a row to a person: its primary key, else its rowid.
            shownKey:
              t.primaryKey.length && t.primaryKey.every((k) => columns.some((c) => c.name === k))
                ? t.primaryKey.map((k) => columns.findIndex((c) => c.name === k))
                : [],
            format,
          }
          const id = nextId++
          return new Promise<ChunkResult>((resolve, reject) => {
            // Pieces are written in order; each is acknowledged once the COPY stream took it (bounded memory).
            let writing = Promise.resolve()
            const onError = (error: Error) => finish(() => reject(error))
            const onMessage = (message: FromWorker) => {
              if (message.id !== id) return
              if (message.type === 'data') {
                writing = writing.then(async () => {
                  const { piece, length } = message
                  const data = typeof piece === 'string' ? piece : Buffer.from(piece, 0, length)
                  if (!sink.write(data)) await once(sink, 'drain')
                  worker.postMessage({ type: 'ack' } satisfies ToWorker)
                })
                writing.catch(onError)
              } else if (message.type === 'done') writing.then(() => finish(() => resolve(message.outcome)), onError)
              else finish(() => reject(Object.assign(new Error(message.message), { code: message.code })))
            }
            const finish = (settle: () => void) => {
              worker.off('message', onMessage)
              worker.off('error', onError)
              settle()
            }
            worker.on('message', onMessage)
            worker.on('error', onError)
            worker.postMessage({ type: 'chunk', id, job } satisfies ToWorker)
          })
        },
        async close() {
          await worker.terminate()
        },
      }
    },
    async close() {
      db.close()
    },
  }
}
