import type { StepKind } from '@/lib/generated/prisma/enums'
import type { LockMode, ScriptBlock, TableLock, TransactionMode } from './lint-report'
import { isStrongLock } from './lock-conflicts'
import {
  backupConfigOf,
  copyConfigOf,
  manualConfigOf,
  observeConfigOf,
  sqlConfigOf,
  validateConfigOf,
  type CopyConfig,
} from './step-kinds'
import { cutoverConfigOf, syncConfigOf } from './sync'
import { formatDuration, plural } from './words'

// A run's preview – what a run of a phase (or `lockstep sql apply`) would execute, computed without touching
// any database, like Liquibase's updateSQL: each step in order, each SQL statement with its line, where
// transactions begin and end, the table locks, the timeouts, and the gates. The engine's timeout defaults
// live here so that the engine and the preview read the same numbers.

/** What the engine uses when a step (or the command line) sets nothing: lib/engine/sql/apply.ts reads these. */
export const SQL_RUN_DEFAULTS = {
  lockTimeoutMs: 1_000,
  /** Retries after a lock timeout, each after 500 ms × 2^(n-1). */
  lockRetries: 3,
  lockRetryBaseMs: 500,
  statementTimeoutMs: 5 * 60_000,
} as const

/** The wait before each retry after a lock timeout (500 ms, 1 s, 2 s with the defaults). */
export const lockRetryBackoffMs = (retries: number = SQL_RUN_DEFAULTS.lockRetries) =>
  Array.from({ length: retries }, (_, i) => SQL_RUN_DEFAULTS.lockRetryBaseMs * 2 ** i)

export type PreviewTimeouts = {
  lockTimeoutMs: number
  statementTimeoutMs: number
  lockRetries: number
  retryBackoffMs: number[]
  /** Whether each value is the step's (or the command's) own, not the engine's default. */
  lockTimeoutSet: boolean
  statementTimeoutSet: boolean
}

export function previewTimeouts(set: { lockTimeoutMs?: number; statementTimeoutMs?: number }): PreviewTimeouts {
  return {
    lockTimeoutMs: set.lockTimeoutMs ?? SQL_RUN_DEFAULTS.lockTimeoutMs,
    statementTimeoutMs: set.statementTimeoutMs ?? SQL_RUN_DEFAULTS.statementTimeoutMs,
    lockRetries: SQL_RUN_DEFAULTS.lockRetries,
    retryBackoffMs: lockRetryBackoffMs(),
    lockTimeoutSet: set.lockTimeoutMs !== undefined,
    statementTimeoutSet: set.statementTimeoutMs !== undefined,
  }
}

/** A table lock, `strong` when it makes the application's reads or writes wait (lock-conflicts.ts). */
export type PreviewLock = TableLock & { strong: boolean }

export type PreviewStatement = {
  index: number
  line: number
  sql: string
  kind: string
  /** Where it runs: in Lockstep's transaction, in the script's own, or outside any (autocommit). */
  runsIn: 'lockstep' | 'script' | 'none'
  /** The script's own BEGIN or COMMIT/ROLLBACK. */
  transactionControl: 'begin' | 'end' | null
  /** Why it runs outside a transaction, when it does. */
  outside: string | null
  /** The lock in words ("ACCESS EXCLUSIVE on orders"). */
  lock: string
  locks: PreviewLock[]
  lockUnknown: boolean
  strongest: LockMode | 'unknown' | null
  destructive: boolean
}

/**
 * A script as the engine will run it. The transaction boundaries follow from `mode`: `lockstep` – Lockstep's
 * BEGIN before the first statement and COMMIT after the last; `script` – the script's own BEGIN/COMMIT
 * statements (`blocks`); `none` – every statement commits on its own.
 */
export type SqlPreview = {
  mode: TransactionMode
  /** How it runs, in the words the history and the run log use. */
  description: string
  /** Why it runs as it does. */
  why: string
  /** The script's own BEGIN … COMMIT blocks. */
  blocks: ScriptBlock[]
  statements: PreviewStatement[]
  timeouts: PreviewTimeouts
  /** What refuses the run before anything runs (a syntax error, a BEGIN never committed…), with the line. */
  refusal: { line: number; message: string } | null
  rollbackStatements: number | null
}

/** Why a script runs the way it does, naming the statement that decides it. */
export function whyMode(
  mode: TransactionMode,
  statements: readonly {
    kind: string
    line: number
    transactional: boolean
    transactionControl: 'begin' | 'end' | null
  }[],
): string {
  if (mode === 'lockstep')
    return 'Every statement may run in a transaction, so Lockstep runs the script in one: if any statement fails, nothing of it stays.'
  if (mode === 'script') {
    const begin = statements.find((s) => s.transactionControl === 'begin')
    return `The script writes its own transaction control (line ${begin?.line ?? '?'}), so it runs as written: each BEGIN … COMMIT is its own transaction, statements outside them run on their own, and a failure rolls back only the block it happened in.`
  }
  const first = statements.find((s) => !s.transactional)
  return `${first ? `${first.kind} (line ${first.line})` : 'A statement'} cannot run inside a transaction, so the script runs statement by statement; progress is recorded after each, and a retry resumes at the first statement not applied.`
}

/** Why a statement that runs outside a transaction does. */
export function whyOutside(statement: { kind: string; transactional: boolean }, mode: TransactionMode): string {
  if (!statement.transactional) return `${statement.kind} cannot run inside a transaction block`
  return mode === 'script'
    ? "outside the script's own BEGIN … COMMIT, so it commits on its own"
    : 'another statement of the script cannot run in a transaction, so each statement commits on its own'
}

export const previewLocks = (locks: readonly TableLock[]): PreviewLock[] =>
  locks.map((l) => ({ ...l, strong: isStrongLock(l.mode) }))

/** A gate: something a run stops at, or waits for, before a step goes on. */
export type PreviewGate = { step: number; text: string }

export type StepPreview = {
  position: number
  name: string
  kind: StepKind
  isDraft: boolean
  /** What the step will do, in a few sentences. */
  does: string[]
  sql: SqlPreview | null
  gate: string | null
}

const tablesWords = (tables: string[], schemas: string[] = []) =>
  tables.length
    ? `${plural(tables.length, 'table')} (${tables.slice(0, 8).join(', ')}${tables.length > 8 ? ', …' : ''})`
    : schemas.length
      ? `every table of ${schemas.join(', ')}`
      : 'every table'

function copyWords(c: CopyConfig, what = 'Copies'): string[] {
  const rows =
    c.mode === 'existing'
      ? {
          refuse: 'into tables that already exist on the target; a table that already has rows fails the step',
          empty: 'into tables that already exist on the target, emptying those that have rows first',
          merge:
            "into tables that already exist on the target, merging by primary key (a source row overwrites the target's)",
        }[c.existingRows]
      : "into tables created on the target from the source's schema, keys and indexes added after the load"
  return [
    `${what} ${tablesWords(c.tables, c.schemas)} from the plan's source to its target, ${rows}.`,
    `${plural(c.jobs, 'table')} at a time, in chunks of ${c.chunkRows.toLocaleString('en')} rows; ${c.maxRejectedRows ? `up to ${plural(c.maxRejectedRows, 'rejected row')} allowed` : 'any rejected row fails the step'}${c.reload ? '; reloads tables copied before' : '; a finished copy is not repeated'}.`,
    ...(c.mapping.tables.length
      ? [`Mapped: ${plural(c.mapping.tables.length, 'table')} renamed, retyped, transformed or filtered.`]
      : []),
  ]
}

/** What a step that is not SQL will do, and the gate it is, from its configuration (as the run fixes it). */
export function describeStep(
  step: { kind: StepKind; config: unknown },
  stepName: (id: string) => string | null,
): { does: string[]; gate: string | null } {
  switch (step.kind) {
    case 'SQL': {
      const c = sqlConfigOf(step.config)
      return {
        does: [
          `Runs the script on the plan's target, recorded in lockstep.schema_history; a script already recorded there as applied is not run again.`,
          ...(c.lockTimeoutMs || c.statementTimeoutMs ? ['Timeouts set on the step.'] : []),
        ],
        gate: null,
      }
    }
    case 'MANUAL':
      return {
        does: ['Stops the run until a person releases it; a dry run passes without stopping.'],
        gate: `waits for a person to release it${manualConfigOf(step.config).requireChecklist ? ", once the phase's required checklist items are done" : ''}`,
      }
    case 'COPY':
      return { does: copyWords(copyConfigOf(step.config)), gate: null }
    case 'VALIDATE': {
      const c = validateConfigOf(step.config)
      return {
        does: [
          `Validates ${tablesWords(c.tables, c.schemas)} of the target against the source: row counts, then checksums by key range down to the differing rows (up to ${c.maxSamples} kept and ${c.maxDifferences.toLocaleString('en')} counted per table).`,
          `${c.integrity ? 'Checks the target’s integrity (orphaned foreign keys, NOT NULL, unique) and runs' : 'Runs'} the plan's custom rules; a difference or an error finding fails the step.`,
        ],
        gate: 'the target must match the source',
      }
    }
    case 'BACKUP': {
      const c = backupConfigOf(step.config)
      return {
        does: [
          `Backs up the plan's ${c.of} (${c.tables.length ? tablesWords(c.tables) : 'the whole database'}) with pg_dump -Fc (SQLite: its online backup), and verifies the artifact before the step succeeds.`,
        ],
        gate: null,
      }
    }
    case 'OBSERVE': {
      const c = observeConfigOf(step.config)
      return {
        does: [
          `Watches the target for ${formatDuration(c.seconds)} against the plan's rollback triggers; a trigger that fires fails the step${c.rollback === 'start' ? ' and starts the run’s rollback at once' : ' and offers the run’s rollback to a DBA'}. Not observed in a dry run.`,
        ],
        gate: `${formatDuration(c.seconds)} without a rollback trigger firing`,
      }
    }
    case 'SYNC': {
      const c = syncConfigOf(step.config)
      const from = c.copyStepId ? stepName(c.copyStepId) : null
      return {
        does: [
          ...(from ? [`Copies what the copy step “${from}” copies, then follows the source's changes.`] : copyWords(c)),
          "Then keeps following the source's changes onto the target (lag shown live) until a cutover step ends it; the run goes on meanwhile.",
        ],
        gate: null,
      }
    }
    case 'CUTOVER': {
      const c = cutoverConfigOf(step.config)
      const sync = c.syncStepId ? stepName(c.syncStepId) : null
      return {
        does: [
          `Ends ${sync ? `the sync of “${sync}”` : "the plan's sync"}: applies the last changes, sets the sequences, validates every row and only when all match switches, recording the downtime.`,
        ],
        gate: `writes stopped: a manual gate released before it in this run, or else ${formatDuration(c.quietSeconds)} without a change on the source`,
      }
    }
  }
}
