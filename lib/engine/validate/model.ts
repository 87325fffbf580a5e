import type { CustomRule, ValidationReport } from '@/lib/domain/validation-report'
import type { PgType } from '@/lib/engine/copy/sqlite-types'

// The shapes the validation engine (engine.ts) shares with its two sides (SQLite, PostgreSQL): a side
// describes its tables, and for a scope of columns computes digests – row count and checksum – grouped
// into segments, or returns the canonical rows of a small range to compare one by one.

export type ColumnShape = { name: string; type: PgType; notNull: boolean }
export type ForeignKey = {
  name: string | null
  columns: string[]
  table: string
  refColumns: string[]
  validated: boolean
}
export type TableShape = {
  name: string
  columns: ColumnShape[]
  primaryKey: string[]
  /** Unique column sets (the primary key's included). */
  uniques: string[][]
  foreignKeys: ForeignKey[]
  /** SQLite: the table has a rowid (scans split by it), and the column that is the rowid, if any (always an integer). */
  rowid?: boolean
  rowidAlias?: string | null
}

/**
 * The columns compared on one side, each with the type its values are read as (the target's type for
 * SQLite), and how rows are hashed: their canonical text (hashtextextended), or – PostgreSQL on both sides,
 * same column types – PostgreSQL's own hash of the row (hash_record_extended), which needs no text.
 */
export type Scope = {
  table: TableShape
  columns: { name: string; type: PgType }[]
  key: string[]
  hash: 'text' | 'native'
}

/** Which rows: all, an integer key range or several (inclusive), or keys whose MD5 starts with one of the prefixes. */
export type Filter =
  | { kind: 'all' }
  | { kind: 'range'; lo: bigint; hi: bigint }
  | { kind: 'ranges'; ranges: [bigint, bigint][] }
  | { kind: 'prefix'; prefixes: string[] }

/** How rows are grouped into segments: by integer key range of `width` from `lo`, by MD5 prefix of the key, or not at all. */
export type Grouping =
  { kind: 'range'; lo: bigint; width: bigint } | { kind: 'prefix'; length: number } | { kind: 'none' }

/** A segment's row count and the two checksum lanes (sums of row digests modulo 2^48). */
export type Digest = { count: number; h1: number; h2: number }

/** Canonical rows by canonical key text: the values of the scope's columns. */
export type Rows = Map<string, string[]>

export interface ValidationSide {
  readonly engine: 'sqlite' | 'postgres'
  /** Where the rows are, for messages (never with a password). */
  readonly label: string
  tables(): Promise<TableShape[]>
  count(table: TableShape): Promise<number>
  /** About how many rows the table has, without reading them (what sizes the first pass); null when unknown. */
  estimate?(table: TableShape): Promise<number | null>
  /** The smallest and largest key; null when the table is empty; mixed when some keys are not integers. */
  bounds(table: TableShape, column: string): Promise<{ min: bigint; max: bigint; mixed?: boolean } | null>
  /** PostgreSQL 14 and later: rows can be hashed with hash_record_extended. */
  nativeHash?(): Promise<boolean>
  digests(scope: Scope, filter: Filter, grouping: Grouping): Promise<Map<string, Digest>>
  rows(scope: Scope, filter: Filter, limit: number): Promise<Rows>
  close(): Promise<void>
}

export type ValidationOptions = {
  /** Tables to compare (all of the source's when empty). */
  tables?: readonly string[]
  /** Differences kept per table. */
  maxSamples?: number
  /** A table is suspended after this many differences. */
  maxDifferences?: number
  /** Check orphans, NOT NULL and unique on the target. */
  integrity?: boolean
  rules?: readonly CustomRule[]
  /** Told the canonical key of each differing row found (up to maxDifferences a table), by the target's schema and table. */
  onDifference?: (schema: string, table: string, key: string) => void
  /**
   * Compares only some rows, for a table with an integer key: the keys (decimal text) of the rows that may have
   * changed since a validation that passed; the counts are compared too. Null: the table is compared whole.
   */
  changedKeys?: (schema: string, table: string) => readonly string[] | null
  signal?: AbortSignal
  onProgress?: (report: ValidationReport) => void
}

export const VALIDATION_DEFAULTS = { maxSamples: 20, maxDifferences: 1000, integrity: true } as const
