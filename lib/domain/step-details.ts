import type { Health } from './health'
import type { ObserveConfig, CopyConfig } from './step-kinds'

// What a step run records as its `detail` while it runs and when it ends (StepRun.detail), per kind: the
// worker's step runners write it, the run page and the run's figures read it.

export type CopyTableState = 'pending' | 'copying' | 'indexing' | 'done' | 'failed'

/** A table's live figures and, at the end, its line of the summary (like pgloader's). */
export type TableProgress = {
  table: string
  state: CopyTableState
  /** Source rows counted when the copy was planned. */
  total: number
  written: number
  rejected: number
  /** Rows per second over this attempt (a resumed copy counts only what it moved itself). */
  rowsPerSecond: number
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null
  /** Seconds spent on the table in this attempt, loading and indexing. */
  seconds: number
}

export type CopyStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'ALREADY_COPIED'

/** Something of the source's schema the copy did not recreate on the target, and why. */
export type NotCopied = { table: string | null; object: string; reason: string }

/** An existing table on the target that already had rows, with their count. */
export type FilledTable = { table: string; rows: number }

/** What the run page shows for a copy step: live while it runs, the summary once it ended. */
export type CopyDetail = {
  copyId: string
  source: string
  mode: CopyConfig['mode']
  tables: TableProgress[]
  status?: CopyStatus
  warnings?: string[]
  /** What the copy assumed about values, per column. */
  notes?: string[]
  /** Schema objects not recreated on the target, with the reason. */
  notCopied?: NotCopied[]
  /** Existing tables that already had rows: emptied before the load, or merged into by primary key. */
  existingRows?: { done: 'emptied' | 'merged'; tables: FilledTable[]; described: string }
  seconds?: number
  indexSeconds?: number
}

/** What the run page shows for an observe step. */
export type ObserveDetail = {
  seconds: number
  startedAt: string
  endsAt: string
  evaluatedAt?: string
  rollback: ObserveConfig['rollback']
  health: Health
  reasons: string[]
  samples: number
}

/** A validate step's run names its validation, whose report the run page shows. */
export type ValidateDetail = { validationId: string }

/** What the run page shows for a backup step. */
export type BackupDetail = {
  backupId: string
  connection: string
  tables: string[]
  sizeBytes?: number
  sha256?: string
  verification?: string
  error?: string
}
