import type Database from 'better-sqlite3'
import { fromKeyValue, keyText, toKeyValue, type ChunkResult, type KeyValue, type RejectedRow } from '../model'
import type { PgType } from '../sqlite-types'
import { encoderFor, isRejected, type DateEncoding, type Encoder } from '../values'
import { BINARY_HEADER, BINARY_TRAILER, binaryEncoderFor, BinaryPiece, type BinaryEncoder } from '../binary-values'

// One chunk of a SQLite table as COPY text: rows read in key order with better-sqlite3's raw iterator
// (safe integers: no precision lost beyond 2^53), each value checked and encoded by its column's type,
// handed on in pieces with backpressure. Runs in a worker thread (sqlite-worker.ts), one per job.

/** Everything a worker needs to read a chunk (plain data: it crosses threads). */
export type ChunkJob = {
  table: string
  /** SELECT key…, column… FROM … WHERE … ORDER BY key LIMIT ?, with its parameters before the limit. */
  sql: string
  /** A table read by one integer key: the same with a condition key > ? always, to read the chunk in pages. */
  pageSql?: string
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
  /** COPY's text format, or binary (binary-values.ts) where every column has a binary form on the target. */
  format: 'text' | 'binary'
}

/** A piece of the COPY stream: text, or binary bytes (handed over without a copy). */
export type Piece = string | Uint8Array

/** COPY data is handed on in pieces of about this size (characters of text, bytes of binary). */
export const PIECE_CHARS = 64 * 1024
const PIECE_BYTES = 512 * 1024

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
  emit: (piece: Piece) => void | Promise<void>,
): Promise<ChunkResult> {
  const params: unknown[] = [
    ...(job.after ?? []).map(fromKeyValue),
    ...(job.hi !== null ? [BigInt(job.hi)] : []),
    job.limit,
  ]
  // A misfit that a transform produced names the transform: the value is what it gave, not what the file holds.
  const because = job.columns.map((c) => (c.transform ? ` – the value the transform ${c.transform} gave` : ''))
  const offset = job.keyWidth
  const keyOf = (row: unknown[]) => (job.keyColumn === null ? row.slice(0, offset) : [row[job.keyColumn]])
  const rejects: RejectedRow[] = []
  const rejectOf = (row: unknown[], i: number, reason: string): RejectedRow => ({
    table: job.table,
    key: visible(keyText(job.shownKey.length ? job.shownKey.map((k) => row[offset + k]) : keyOf(row))),
    column: job.columns[i]?.name ?? '',
    reason: reason + because[i],
    value: describeValue(row[offset + i]),
  })
  const rows = job.pageSql
    ? pages(statement, job, job.pageSql, keyOf)
    : (statement(job.sql).iterate(...params) as Iterable<unknown[]>)
  const { read, written, last } =
    job.format === 'binary'
      ? await encodeBinary(job, rows, offset, rejectOf, rejects, emit)
      : await encodeText(job, rows, offset, rejectOf, rejects, emit)
  return { read, written, rejects, lastKey: last ? keyOf(last).map(toKeyValue) : null, exhausted: read < job.limit }
}

/**
 * Rows a page at a time with .all() (one call per page, not per row: cheaper than iterating), each page after the
 * last. 1024 rows: larger pages outlive the young generation (reading 1M rows took 0.96 s in 4096-row pages, 0.76 s in 1024).
 */
export const PAGE_ROWS = 1024

function* pages(
  statement: (sql: string) => Database.Statement,
  job: ChunkJob,
  pageSql: string,
  keyOf: (row: unknown[]) => unknown[],
): Generator<unknown[]> {
  const hi = job.hi !== null ? [BigInt(job.hi)] : []
  let after: unknown[] | null = job.after ? job.after.map(fromKeyValue) : null
  let left = job.limit
  while (left > 0) {
    const size = Math.min(PAGE_ROWS, left)
    const page = (
      after === null ? statement(job.sql).all(...hi, size) : statement(pageSql).all(...after, ...hi, size)
    ) as unknown[][]
    yield* page
    left -= page.length
    if (page.length < size) return
    after = keyOf(page[page.length - 1] as unknown[])
  }
}

type RejectOf = (row: unknown[], column: number, reason: string) => RejectedRow
type Encoded = { read: number; written: number; last: unknown[] | null }

async function encodeText(
  job: ChunkJob,
  rows: Iterable<unknown[]>,
  offset: number,
  rejectOf: RejectOf,
  rejects: RejectedRow[],
  emit: (piece: Piece) => void | Promise<void>,
): Promise<Encoded> {
  const encoders: Encoder[] = job.columns.map((c) => encoderFor(c.type, { dates: c.dates, notNull: c.notNull }))
  const width = encoders.length
  let read = 0
  let written = 0
  let last: unknown[] | null = null
  let buffer = ''
  for (const row of rows) {
    read++
    last = row
    let line = ''
    let bad = false
    for (let i = 0; i < width; i++) {
      const field = (encoders[i] as Encoder)(row[offset + i])
      if (isRejected(field)) {
        rejects.push(rejectOf(row, i, field.reject))
        bad = true
      } else line += i === 0 ? field : `\t${field}`
    }
    if (bad) continue
    buffer += `${line}\n`
    written++
    if (buffer.length >= PIECE_CHARS) {
      const piece = buffer
      buffer = ''
      await emit(piece)
    }
  }
  if (buffer) await emit(buffer)
  return { read, written, last }
}

/** The same rows as binary COPY: its header, a tuple per row (a row with a rejected value is taken back), its trailer. */
async function encodeBinary(
  job: ChunkJob,
  rows: Iterable<unknown[]>,
  offset: number,
  rejectOf: RejectOf,
  rejects: RejectedRow[],
  emit: (piece: Piece) => void | Promise<void>,
): Promise<Encoded> {
  const encoders: BinaryEncoder[] = job.columns.map((c) =>
    binaryEncoderFor(c.type, { dates: c.dates, notNull: c.notNull }),
  )
  const width = encoders.length
  let read = 0
  let written = 0
  let last: unknown[] | null = null
  let piece = new BinaryPiece(PIECE_BYTES + 64 * 1024)
  piece.ensure(BINARY_HEADER.length)
  piece.length += BINARY_HEADER.copy(piece.buffer, 0)
  for (const row of rows) {
    read++
    last = row
    const start = piece.length
    piece.int16(width)
    let bad = false
    for (let i = 0; i < width; i++) {
      const rejected = (encoders[i] as BinaryEncoder)(row[offset + i], piece)
      if (rejected) {
        rejects.push(rejectOf(row, i, rejected.reject))
        bad = true
      }
    }
    if (bad) {
      piece.length = start
      continue
    }
    written++
    if (piece.length >= PIECE_BYTES) {
      await emit(piece.buffer.subarray(0, piece.length))
      piece = new BinaryPiece(PIECE_BYTES + 64 * 1024)
    }
  }
  piece.ensure(BINARY_TRAILER.length)
  piece.length += BINARY_TRAILER.copy(piece.buffer, piece.length)
  await emit(piece.buffer.subarray(0, piece.length))
  return { read, written, last }
}
