import type Database from 'better-sqlite3'
import { fromKeyValue, keyText, toKeyValue, type ChunkResult, type KeyValue, type RejectedRow } from '../model'
import type { PgType } from '../sqlite-types'
import { encoderFor, isRejected, type DateEncoding, type Encoder } from '../values'

// One chunk of a SQLite table as COPY text: rows read in key order with better-sqlite3's raw iterator
// (safe integers: no precision lost beyond 2^53), each value checked and encoded by its column's type,
// handed on in pieces with backpressure. Runs in a worker thread (sqlite-worker.ts), one per job.

/** Everything a worker needs to read a chunk (plain data: it crosses threads). */
export type ChunkJob = {
  table: string
  /** SELECT key…, column… FROM … WHERE … ORDER BY key LIMIT ?, with its parameters before the limit. */
  sql: string
  after: KeyValue[] | null
  hi: string | null
  limit: number
  /** Key values selected before the columns (0 when the key is one of the columns: `keyColumn`). */
  keyWidth: number
  /** The column that is the key (a rowid alias), read once; null when the key is selected before the columns. */
  keyColumn: number | null
  /** `notNull`: the target refuses NULL here; the reason a row with one is rejected. `transform`: the mapping's expression read in its place. */
  columns: { name: string; type: PgType; dates?: DateEncoding; notNull?: string; transform?: string }[]
  /** Positions (among the columns) of the primary key that names a rejected row; empty: the rowid names it. */
  shownKey: number[]
}

/** COPY text is handed on in pieces of about this size. */
export const PIECE_CHARS = 64 * 1024

// Shown to people and kept in Lockstep's database: NUL bytes (which PostgreSQL text cannot hold) made visible.
const visible = (text: string) => text.replace(/\0/g, '\\0')
const describeValue = (v: unknown) =>
  v === null || v === undefined
    ? null
    : Buffer.isBuffer(v)
      ? `x'${v.subarray(0, 32).toString('hex')}${v.length > 32 ? '…' : ''}'`
      : visible(String(v).slice(0, 200))

export async function encodeChunk(
  statement: (sql: string) => Database.Statement,
  job: ChunkJob,
  emit: (text: string) => void | Promise<void>,
): Promise<ChunkResult> {
  const params: unknown[] = [
    ...(job.after ?? []).map(fromKeyValue),
    ...(job.hi !== null ? [BigInt(job.hi)] : []),
    job.limit,
  ]
  const encoders: Encoder[] = job.columns.map((c) => encoderFor(c.type, { dates: c.dates, notNull: c.notNull }))
  // A misfit that a transform produced names the transform: the value is what it gave, not what the file holds.
  const because = job.columns.map((c) => (c.transform ? ` – the value the transform ${c.transform} gave` : ''))
  const offset = job.keyWidth
  const keyOf = (row: unknown[]) => (job.keyColumn === null ? row.slice(0, offset) : [row[job.keyColumn]])
  const width = encoders.length
  const rejects: RejectedRow[] = []
  let read = 0
  let written = 0
  let last: unknown[] | null = null
  let buffer = ''
  for (const row of statement(job.sql).iterate(...params) as Iterable<unknown[]>) {
    read++
    last = row
    let line = ''
    let bad: RejectedRow[] | null = null
    for (let i = 0; i < width; i++) {
      const value = row[offset + i]
      const field = (encoders[i] as Encoder)(value)
      if (isRejected(field)) {
        const key = visible(keyText(job.shownKey.length ? job.shownKey.map((k) => row[offset + k]) : keyOf(row)))
        ;(bad ??= []).push({
          table: job.table,
          key,
          column: job.columns[i]?.name ?? '',
          reason: field.reject + because[i],
          value: describeValue(value),
        })
      } else line += i === 0 ? field : `\t${field}`
    }
    if (bad) {
      rejects.push(...bad)
      continue
    }
    buffer += `${line}\n`
    written++
    if (buffer.length >= PIECE_CHARS) {
      const piece = buffer
      buffer = ''
      await emit(piece)
    }
  }
  if (buffer) await emit(buffer)
  return { read, written, rejects, lastKey: last ? keyOf(last).map(toKeyValue) : null, exhausted: read < job.limit }
}
