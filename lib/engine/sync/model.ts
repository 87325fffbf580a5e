import type { RejectedRow } from '@/lib/engine/copy/model'

// The shapes a sync's two halves share: a change feed reads what changed on the source since a position and
// brings it to one consistent moment of the source, as rows for the target; the applier (apply.ts) writes a
// batch and the position it reached in one transaction on the target, so a batch is applied once or not at all.

/** One table's changes in a batch: rows to write (every field as COPY text) and keys to delete. */
export type TableChanges = {
  /** The table on the target, schema-qualified and quoted. */
  target: string
  /** How people name it: the source's table. */
  label: string
  /** The target's key columns (its primary key), and the columns of `upserts` in order. */
  key: readonly string[]
  columns: readonly string[]
  /** Rows inserted or changed: their state at the batch's moment. */
  upserts: string[]
  /** Updated rows whose unchanged large values the source did not send again: only the columns named are written. */
  partial?: { columns: readonly string[]; rows: string[] }[]
  /** Keys (COPY text) of rows gone from the source, or no longer kept by the mapping's filter. */
  deletes: string[]
}

export type ChangeBatch = {
  /** Where the source is after this batch; the next batch starts after it. */
  position: string
  /** Changes the source recorded (an insert, update or delete each) that this batch covers. */
  changes: number
  tables: TableChanges[]
  /** Values that do not fit the target: the row is left out (and deleted there), as a copy would. */
  rejects: RejectedRow[]
  /** When the newest change of the batch was made on the source (ms since the epoch); null when unknown. */
  madeAt: number | null
}

export type TableLag = { table: string; waiting: number; seconds: number }

/** How far the target is behind: changes made on the source and not yet applied, and the age of the oldest. */
export type Lag = { waiting: number; seconds: number; tables: TableLag[]; bytes?: number }

export interface ChangeFeed {
  readonly engine: 'sqlite' | 'postgres'
  /** The changes after `position` (at most about `max`), or null when none came within `waitMs`. */
  next(position: string, options: { max: number; waitMs: number; signal?: AbortSignal }): Promise<ChangeBatch | null>
  /** The target committed everything up to `position`: the source may let it go. */
  applied(position: string): Promise<void>
  /** What is still waiting after `position`. */
  lag(position: string): Promise<Lag>
  close(): Promise<void>
}

/** A sync refused before it changed anything, with what to do about it. */
export class SyncRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SyncRefused'
  }
}
