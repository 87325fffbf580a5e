import type { StepKind } from '@/lib/generated/prisma/enums'
import { mappingOf, type TCopyMapping } from './mapping'
import { isEmptyMapping } from './mapping-lookup'

// Which step kinds the worker can run today; the others can be planned but not started yet.
export const RUNNABLE_KINDS: readonly StepKind[] = [
  'SQL',
  'MANUAL',
  'COPY',
  'VALIDATE',
  'OBSERVE',
  'BACKUP',
  'SYNC',
  'CUTOVER',
]

export const KIND_NAMES: Record<StepKind, string> = {
  SQL: 'SQL',
  COPY: 'copy',
  VALIDATE: 'validate',
  BACKUP: 'backup',
  MANUAL: 'manual gate',
  OBSERVE: 'observe',
  SYNC: 'sync',
  CUTOVER: 'cutover',
}

/** Manual gates: whether releasing needs the phase's required checklist items done. */
export type ManualConfig = { requireChecklist?: boolean }
/** SQL steps: per-step timeouts. */
export type SqlConfig = { statementTimeoutMs?: number; lockTimeoutMs?: number }

const positiveWhole = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined)
const objectOf = (json: unknown) => (json && typeof json === 'object' ? json : {}) as Record<string, unknown>

/** A stored manual gate's configuration (an empty one when it holds anything else). */
export function manualConfigOf(json: unknown): ManualConfig {
  return objectOf(json).requireChecklist === true ? { requireChecklist: true } : {}
}

/** A stored SQL step's configuration: its timeouts, when they are positive whole milliseconds. */
export function sqlConfigOf(json: unknown): SqlConfig {
  const c = objectOf(json)
  const [statementTimeoutMs, lockTimeoutMs] = [positiveWhole(c.statementTimeoutMs), positiveWhole(c.lockTimeoutMs)]
  return {
    ...(statementTimeoutMs !== undefined ? { statementTimeoutMs } : {}),
    ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
  }
}

/**
 * Copy steps: the plan's source on the run's environment into its target. `tables` empty: all of them
 * (`schema.table` names a table outside public); `schemas` empty: every schema of a PostgreSQL source;
 * `mode` create (tables made from the source's schema) or existing (tables the application's own migrations
 * made); more rejected rows than `maxRejectedRows` fail the step; `reload` copies a finished copy again.
 * `existingRows` (mode existing only): what happens to tables that already have rows – refuse them (the step
 * fails naming them), empty them first (only with `emptyConfirmed`, given by the person who saved the step),
 * or merge the source's rows by primary key. `mapping`: renames, types, transforms and filters (lib/domain/mapping.ts).
 */
export type CopyConfig = {
  tables: string[]
  schemas: string[]
  mode: 'create' | 'existing'
  jobs: number
  chunkRows: number
  maxRejectedRows: number
  reload: boolean
  existingRows: ExistingRowsChoice
  emptyConfirmed: boolean
  mapping: TCopyMapping
}

/** The bounds a person may set on a step's numbers, wherever the step comes from (a form, a document). */
export const STEP_LIMITS = {
  jobs: { min: 1, max: 16 },
  chunkRows: { min: 100, max: 1_000_000 },
  maxRejectedRows: { min: 0, max: 1_000_000_000 },
  maxSamples: { min: 1, max: 200 },
  maxDifferences: { min: 1, max: 1_000_000 },
  copyTables: 1_000,
  tableName: 128,
  schemas: 200,
  schemaName: 63,
} as const

export const EXISTING_ROWS_CHOICES = ['refuse', 'empty', 'merge'] as const
export type ExistingRowsChoice = (typeof EXISTING_ROWS_CHOICES)[number]

export const COPY_CONFIG_DEFAULTS: CopyConfig = {
  tables: [],
  schemas: [],
  mode: 'create',
  jobs: 2,
  chunkRows: 250_000,
  maxRejectedRows: 0,
  reload: false,
  existingRows: 'refuse',
  emptyConfirmed: false,
  mapping: { tables: [] },
}

/** A stored copy configuration, with defaults for what it leaves out. */
export function copyConfigOf(json: unknown): CopyConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Partial<Record<keyof CopyConfig, unknown>>
  const whole = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback
  const existingRows =
    c.mode === 'existing' && (c.existingRows === 'empty' || c.existingRows === 'merge') ? c.existingRows : 'refuse'
  return {
    tables: Array.isArray(c.tables) ? c.tables.filter((t): t is string => typeof t === 'string') : [],
    schemas: Array.isArray(c.schemas) ? c.schemas.filter((t): t is string => typeof t === 'string') : [],
    mode: c.mode === 'existing' ? 'existing' : 'create',
    jobs: whole(c.jobs, COPY_CONFIG_DEFAULTS.jobs),
    chunkRows: whole(c.chunkRows, COPY_CONFIG_DEFAULTS.chunkRows),
    maxRejectedRows: whole(c.maxRejectedRows, COPY_CONFIG_DEFAULTS.maxRejectedRows),
    reload: c.reload === true,
    existingRows,
    emptyConfirmed: existingRows === 'empty' && c.emptyConfirmed === true,
    mapping: mappingOf(c.mapping),
  }
}

/**
 * The configuration as stored: the schemas and the existing-rows choice only when they are not the defaults, so
 * a step saved before they existed keeps its content checksum (and its approved windows) when saved unchanged.
 */
export function storedCopyConfig({ existingRows, emptyConfirmed, schemas, mapping, ...rest }: CopyConfig) {
  const choice = rest.mode === 'existing' ? existingRows : 'refuse'
  return {
    ...rest,
    ...(schemas.length ? { schemas } : {}),
    ...(choice !== 'refuse' ? { existingRows: choice } : {}),
    ...(choice === 'empty' && emptyConfirmed ? { emptyConfirmed: true } : {}),
    ...(isEmptyMapping(mapping) ? {} : { mapping }),
  }
}

/**
 * Validate steps: the plan's target against its source on the run's environment – `tables` empty: all of
 * the source's; `schemas` empty: every schema of a PostgreSQL source; at most `maxSamples` differences kept and `maxDifferences` counted per table; `integrity`:
 * orphans, NOT NULL and unique checked on the target. The plan's custom rules always run.
 */
export type ValidateConfig = {
  tables: string[]
  schemas: string[]
  maxSamples: number
  maxDifferences: number
  integrity: boolean
}

export const VALIDATE_CONFIG_DEFAULTS: ValidateConfig = {
  tables: [],
  schemas: [],
  maxSamples: 20,
  maxDifferences: 1000,
  integrity: true,
}

export function validateConfigOf(json: unknown): ValidateConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Partial<ValidateConfig>
  const whole = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : fallback
  return {
    tables: Array.isArray(c.tables) ? c.tables.filter((t): t is string => typeof t === 'string') : [],
    schemas: Array.isArray(c.schemas) ? c.schemas.filter((t): t is string => typeof t === 'string') : [],
    maxSamples: whole(c.maxSamples, VALIDATE_CONFIG_DEFAULTS.maxSamples),
    maxDifferences: whole(c.maxDifferences, VALIDATE_CONFIG_DEFAULTS.maxDifferences),
    integrity: c.integrity !== false,
  }
}

/**
 * Observe steps: watch the run's target for `seconds` against the plan's rollback triggers; a trigger that
 * fires fails the step, and with `rollback` "start" the run's rollback starts at once (else it is offered).
 */
export type ObserveConfig = { seconds: number; rollback: 'offer' | 'start' }

export const OBSERVE_CONFIG_DEFAULTS: ObserveConfig = { seconds: 300, rollback: 'offer' }
export const MAX_OBSERVE_SECONDS = 24 * 3600

export function observeConfigOf(json: unknown): ObserveConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Partial<ObserveConfig>
  const seconds =
    typeof c.seconds === 'number' && Number.isInteger(c.seconds) && c.seconds >= 1 && c.seconds <= MAX_OBSERVE_SECONDS
      ? c.seconds
      : OBSERVE_CONFIG_DEFAULTS.seconds
  return { seconds, rollback: c.rollback === 'start' ? 'start' : 'offer' }
}

/** Backup steps: the plan's target (or source) on the run's environment; `tables` empty: the whole database. */
export type BackupConfig = { of: 'target' | 'source'; tables: string[] }

export const BACKUP_CONFIG_DEFAULTS: BackupConfig = { of: 'target', tables: [] }

export function backupConfigOf(json: unknown): BackupConfig {
  const c = (json && typeof json === 'object' ? json : {}) as Partial<BackupConfig>
  return {
    of: c.of === 'source' ? 'source' : 'target',
    tables: Array.isArray(c.tables) ? c.tables.filter((t): t is string => typeof t === 'string') : [],
  }
}
