import { createHash } from 'node:crypto'
import type pg from 'pg'
import type { PostgresTarget } from '@/lib/targets/postgres'
import type { ExistingRows, FilledTable } from './existing-rows'
import type { CopySource, RejectedRow, TableProgress } from './model'
import type { CopyUnits } from './shared'
import type { CopyMode } from './state'

// What a copy is asked to do, and the refusals that change nothing on the target.

export class CopyRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CopyRefused'
  }
}

/** Existing tables already have rows, and the copy was not told – or not allowed – to empty or merge them. */
export class RowsOnTarget extends CopyRefused {
  constructor(
    message: string,
    readonly filled: readonly FilledTable[],
  ) {
    super(message)
    this.name = 'RowsOnTarget'
  }
}

export type CopyOptions = {
  /** Names the copy on the target: the same id resumes it, and a finished copy is not repeated. */
  copyId: string
  /** The run's session on the target (holding Lockstep's lock): DDL and the copy's record go through it. */
  session: pg.Client
  /** For the parallel jobs' own connections. */
  target: PostgresTarget
  source: CopySource
  tables?: readonly string[]
  /** Create the tables (from the source's schema), or copy into tables that exist and are empty. */
  mode: CopyMode
  schema?: string
  /** Connections loading at once (tables, or key ranges of a large table). */
  jobs?: number
  /** Rows per committed chunk. */
  chunkRows?: number
  /** More rejected rows than this fail the copy; null: no limit. */
  maxRejectedRows?: number | null
  /** Copy a finished copy again (its tables are emptied first). */
  reload?: boolean
  /** Into existing tables that already have rows: refuse (the default), empty them first, or merge by primary key. */
  existingRows?: ExistingRows
  /** Asked before existing tables with rows are emptied; anything but true refuses the copy. */
  confirmEmpty?: (tables: readonly FilledTable[]) => Promise<boolean>
  /** The existing tables that had rows, once they were emptied, or before the source's rows are merged into them. */
  onExistingRows?: (done: 'emptied' | 'merged', tables: readonly FilledTable[]) => void
  /**
   * The queue through which workers share the load (a copy step run by a worker): parts are split finer and
   * published as units any worker may claim (./shared.ts). Absent, the load runs in this process alone.
   */
  units?: CopyUnits
  signal?: AbortSignal
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** Live figures, about once a second and at the end; `workers`: how many load its parts now (shared by workers). */
  onProgress?: (tables: TableProgress[], workers?: number) => void
  /** Rejected rows, before the chunk they belong to commits (so none is lost; a resumed chunk reports them again). */
  onRejects?: (rejects: RejectedRow[]) => Promise<void>
}

/** A copy's id on the target: the same source, tables and mode give the same id (and so resume). */
export const copyIdOf = (prefix: string, identity: unknown) =>
  `${prefix}-${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16)}`

export const COPY_DEFAULTS = { jobs: 2, chunkRows: 250_000 } as const

/** The options with their defaults, the numbers kept within what the engine supports. */
export function settingsOf(o: Pick<CopyOptions, 'schema' | 'jobs' | 'chunkRows' | 'log'>) {
  const clamp = (n: number | undefined, lo: number, hi: number, fallback: number) =>
    n === undefined || !Number.isFinite(n) ? fallback : Math.min(hi, Math.max(lo, Math.round(n)))
  return {
    schema: o.schema ?? 'public',
    jobs: clamp(o.jobs, 1, 16, COPY_DEFAULTS.jobs),
    chunkRows: clamp(o.chunkRows, 100, 1_000_000, COPY_DEFAULTS.chunkRows),
    log: o.log ?? (() => undefined),
  }
}

export type CopySettings = ReturnType<typeof settingsOf>
