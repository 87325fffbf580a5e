import type { Writable } from 'node:stream'
import type { PgType } from './sqlite-types'
import type { CopyStatus, CopyTableState, NotCopied, TableProgress } from '@/lib/domain/step-details'

// The shapes the copy engine (engine.ts) shares with its sources (SQLite, PostgreSQL): a source lists its
// tables and writes key-ordered chunks of rows into a COPY stream; the engine plans, parallelises,
// commits chunk by chunk and records where it got to.

/** A key value as recorded on the target (JSON): integers beyond 2^53 and blobs keep their exact value. */
export type KeyValue = null | string | number | { i: string } | { b: string }

export const toKeyValue = (v: unknown): KeyValue =>
  typeof v === 'bigint'
    ? { i: v.toString() }
    : Buffer.isBuffer(v)
      ? { b: v.toString('hex') }
      : typeof v === 'number' || typeof v === 'string'
        ? v
        : null

export const fromKeyValue = (v: KeyValue): unknown =>
  v === null || typeof v !== 'object' ? v : 'i' in v ? BigInt(v.i) : Buffer.from(v.b, 'hex')

/** A key value as SQL text (PostgreSQL sources cast it back to the key's type). */
export const keyValueText = (v: KeyValue): string =>
  v !== null && typeof v === 'object' ? ('i' in v ? v.i : `\\x${v.b}`) : String(v)

/** A key as people read it in the rejected rows: `42`, or `(7, 'eu')` for a composite key. */
export const keyText = (values: readonly unknown[]) => {
  const one = (v: unknown) =>
    typeof v === 'string' ? `'${v}'` : Buffer.isBuffer(v) ? `x'${v.toString('hex')}'` : String(v)
  return values.length === 1 ? one(values[0]) : `(${values.map(one).join(', ')})`
}

/**
 * A column to copy: its source name, the type its values must fit on the target, its target name when that
 * differs, and whether the target refuses NULL in it (such rows are rejected, not sent to fail a whole chunk).
 */
export type ColumnPlan = { name: string; type: PgType; targetName?: string; notNull?: boolean }

/** What a statement after the load makes. */
export type PostLoadKind =
  | 'primary key'
  | 'unique'
  | 'check'
  | 'exclusion'
  | 'index'
  | 'identity'
  | 'foreign key'
  | 'sequence'
  | 'view'
  | 'rename'

/**
 * A statement run after the load: a key, index, foreign key, identity or sequence restart… `name` stands for
 * the object it makes – unique among a copy's statements and the same in every attempt – and is what a resumed
 * copy records as done, so a change of the source's schema between attempts cannot shift one onto another.
 * `table`: the table it belongs to, as messages name it; null for a view or a sequence.
 */
export type PostLoadStatement = { kind: PostLoadKind; table: string | null; name: string; sql: string }

/** A statement after the load that PostgreSQL may refuse (a translated CHECK, view or index): refused, it is reported as not copied. */
export type OptionalStatement = PostLoadStatement & { object: string }

/** CREATE TABLE (and what it needs) before the load; keys, indexes, foreign keys and identity restarts after it. */
export type Ddl = {
  beforeLoad: string[]
  afterLoad: PostLoadStatement[]
  warnings: string[]
  /** Tried after the load, one by one; a refusal is reported as not copied. */
  optional?: OptionalStatement[]
  /** Last of all: a mapping's new column names, given once every key, index and check exists under the old ones. */
  renames?: PostLoadStatement[]
  notCopied?: NotCopied[]
}

export type SourceTable = {
  name: string
  columns: ColumnPlan[]
  rows: number
  /**
   * How the table is read in order and resumed: by an integer key that can also be split into ranges for
   * parallel jobs (SQLite's rowid, an integer primary key), by a composite or non-integer primary key, or
   * not at all (a PostgreSQL table without a primary key is copied whole, and restarted when interrupted).
   */
  key: 'integer' | 'composite' | 'none'
  /** Tables this one references with foreign keys (loaded first when copying into existing tables). */
  references: string[]
}

export type RejectedRow = { table: string; key: string; column: string; reason: string; value: string | null }

export type ChunkRange = { after: KeyValue[] | null; hi: string | null; limit: number }

export type ChunkResult = {
  /** Rows read from the source, written to the sink, and rejected. */
  read: number
  written: number
  rejects: RejectedRow[]
  /** The key of the chunk's last row, where the next chunk starts; null when the range had no rows left. */
  lastKey: KeyValue[] | null
  /** The chunk reached the end of its range. */
  exhausted: boolean
}

export type CopyFormat = 'text' | 'binary'

export interface ChunkReader {
  /** Writes the rows of `range` into `sink` (a COPY FROM STDIN stream of `format`), with backpressure; leaves it open. */
  chunk(
    table: SourceTable,
    columns: ColumnPlan[],
    range: ChunkRange,
    sink: Writable,
    format: CopyFormat,
  ): Promise<ChunkResult>
  close(): Promise<void>
}

export interface CopySource {
  readonly engine: 'sqlite' | 'postgres'
  /** Where the rows come from, for messages (never with a password). */
  readonly label: string
  /** The source's tables (all, or those named), rows counted. Unknown names are an error naming them. */
  tables(only?: readonly string[]): Promise<SourceTable[]>
  /** What the source leaves out and why (other schemas…), known once `tables` was read: lines of the summary. */
  leftOut?(): string[]
  /** CREATE TABLE before the load; keys, indexes, foreign keys and identity restarts after it. */
  ddl(tables: readonly SourceTable[], schema: string): Promise<Ddl>
  /** The smallest and largest integer key of a table, to split it into ranges; null when it is empty. */
  bounds(table: SourceTable): Promise<{ min: bigint; max: bigint } | null>
  /** What the copy assumes about the values of these columns (the epoch of a number in a datetime column…), one line each. */
  notes?(table: SourceTable, columns: readonly ColumnPlan[]): Promise<string[]>
  /** The COPY format that moves these columns losslessly into a target of `targetTypes` (format_type text). */
  formatFor(table: SourceTable, targetTypes: readonly string[]): CopyFormat
  /** A reader on a connection of its own (one per parallel job). */
  reader(): Promise<ChunkReader>
  close(): Promise<void>
}

// A copy's figures are what the run page shows of a copy step, so they are named in lib/domain.
export type { NotCopied, TableProgress }
export type TableState = CopyTableState

export type CopySummary = {
  status: CopyStatus
  tables: TableProgress[]
  warnings: string[]
  /** What the copy assumed about values, per column (how a datetime column's numbers or text were read). */
  notes?: string[]
  /** Schema objects (CHECK constraints, views, triggers, indexes) not recreated on the target, with the reason. */
  notCopied?: NotCopied[]
  error?: string
  /** Seconds of the whole copy (this attempt), and seconds spent on keys, indexes and foreign keys after the load. */
  seconds: number
  indexSeconds: number
}
