// What the one-click mapping rules (mapping-rules.ts) know of a source: its tables, columns and foreign keys,
// what the columns' values look like over a sample, and how many rows have lost their parent. Plain data: a
// profile is read on the server (lib/engine/copy/profile.ts) and sent to the browser as it is.

/** Rows per table whose values a profile counts (the first rows the source returns); orphans are counted over all rows. */
export const PROFILE_SAMPLE_ROWS = 10_000

/** Unix time of 1990-01-01 and 2100-01-01: a number between them (or 1,000 times them) is read as a plausible epoch. */
export const EPOCH_SECONDS_RANGE = { min: 631_152_000, max: 4_102_444_800 } as const

/** The value kind the copy gives a column on the target (as lib/engine/copy/sqlite-types.ts names them). */
export type ColumnKind =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double'
  | 'boolean'
  | 'text'
  | 'varchar'
  | 'bytea'
  | 'date'
  | 'time'
  | 'timestamptz'
  | 'timestamp'
  | 'jsonb'
  | 'uuid'

/** Non-null values of a column in the sample, and how many of them hold what each rule looks for. */
export type ColumnCounts = {
  values: number
  /** Canonical UUID text (8-4-4-4-12 hexadecimal digits). */
  uuid: number
  /** Numbers in EPOCH_SECONDS_RANGE, and numbers in it × 1,000. */
  epochSeconds: number
  epochMillis: number
  /** '0', '1', 'true' or 'false', in any case. */
  boolean: number
  /** Text that parses as a JSON object or array. */
  json: number
  /** Text with spaces before or after it (what trim() removes). */
  padded: number
}

export type ProfiledColumn = {
  name: string
  /** The type as the source declares it (SQLite) or prints it (PostgreSQL's format_type). */
  sourceType: string
  kind: ColumnKind
  /** Plain text (not an enum, domain or other type that merely travels as text): what the text rules may retype. */
  isText: boolean
  isPrimaryKey: boolean
  /** Unique on its own (a one-column primary key, unique constraint or unique index). */
  isUnique: boolean
  counts: ColumnCounts
}

export type ProfiledForeignKey = {
  columns: string[]
  /** The parent table, and its schema when it is not the profiled one (PostgreSQL). */
  parent: string
  parentSchema?: string
  references: string[]
  /** Child rows whose key is set and has no parent; null when it could not be counted (`note` says why). */
  orphans: number | null
  note?: string
}

export type ProfiledTable = {
  name: string
  /** Rows in the sample (at most PROFILE_SAMPLE_ROWS). */
  sampled: number
  columns: ProfiledColumn[]
  foreignKeys: ProfiledForeignKey[]
}

/** What the rules need to know of a source: plain data, sent to the browser as it is. */
export type SourceProfile = { sampleRows: number; tables: ProfiledTable[] }

export type SourceEngine = 'sqlite' | 'postgres'
