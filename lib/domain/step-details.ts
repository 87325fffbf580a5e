import { z } from 'zod'
import { HEALTH_STATES } from './health'
import { shortId } from './short-id'
import { parseStored } from './stored-json'

// What a step run records as its `detail` while it runs and when it ends (StepRun.detail), per kind: the
// worker's step runners write it, the run page and the run's figures read it – parsed, since a detail written by
// an earlier version may lack what a later one added (those fields are optional here).

export const COPY_TABLE_STATES = ['pending', 'copying', 'indexing', 'done', 'failed'] as const
export type CopyTableState = (typeof COPY_TABLE_STATES)[number]

/** A table's live figures and, at the end, its line of the summary (like pgloader's). */
export const ZTableProgress = z.object({
  table: z.string(),
  state: z.enum(COPY_TABLE_STATES),
  /** Source rows counted when the copy was planned. */
  total: z.number(),
  written: z.number(),
  rejected: z.number(),
  /**
   * Rows per second over this attempt (a resumed copy counts only what it moved itself); while a copy step's
   * table loads, over the last few seconds (the workers sharing it come and go).
   */
  rowsPerSecond: z.number(),
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: z.number().nullable(),
  /** Seconds spent on the table in this attempt, loading and indexing. */
  seconds: z.number(),
})
export type TableProgress = z.infer<typeof ZTableProgress>

export const COPY_STATUSES = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'ALREADY_COPIED'] as const
export type CopyStatus = (typeof COPY_STATUSES)[number]

/** Something of the source's schema the copy did not recreate on the target, and why. */
/** `asked`: left out because the copy's mapping asks for it (a left-out column's index), not for want of a way. */
export const ZNotCopied = z.object({
  table: z.string().nullable(),
  object: z.string(),
  reason: z.string(),
  asked: z.boolean().optional(),
})
export type NotCopied = z.infer<typeof ZNotCopied>

/** An existing table on the target that already had rows, with their count. */
export const ZFilledTable = z.object({ table: z.string(), rows: z.number() })
export type FilledTable = z.infer<typeof ZFilledTable>

/** What the run page shows for a copy step: live while it runs, the summary once it ended. */
export const ZCopyDetail = z.object({
  copyId: z.string(),
  source: z.string(),
  mode: z.enum(['create', 'existing']),
  tables: z.array(ZTableProgress),
  status: z.enum(COPY_STATUSES).optional(),
  warnings: z.array(z.string()).optional(),
  /** What the copy assumed about values, per column. */
  notes: z.array(z.string()).optional(),
  /** Schema objects not recreated on the target, with the reason. */
  notCopied: z.array(ZNotCopied).optional(),
  /** Existing tables that already had rows: emptied before the load, or merged into by primary key. */
  existingRows: z
    .object({ done: z.enum(['emptied', 'merged']), tables: z.array(ZFilledTable), described: z.string() })
    .optional(),
  seconds: z.number().optional(),
  indexSeconds: z.number().optional(),
  /** Workers loading the copy's parts now (a copy step's parts are shared by every worker); absent once loaded. */
  workers: z.number().optional(),
})
export type CopyDetail = z.infer<typeof ZCopyDetail>

/** What the run page shows for an observe step. */
export const ZObserveDetail = z.object({
  seconds: z.number(),
  startedAt: z.string(),
  endsAt: z.string(),
  evaluatedAt: z.string().optional(),
  rollback: z.enum(['offer', 'start']),
  health: z.enum(HEALTH_STATES),
  reasons: z.array(z.string()),
  samples: z.number(),
})
export type ObserveDetail = z.infer<typeof ZObserveDetail>

/** A validate step's run names its validation, whose report the run page shows. */
export const ZValidateDetail = z.object({ validationId: z.string() })
export type ValidateDetail = z.infer<typeof ZValidateDetail>

/** What the run page shows for a backup step. */
export const ZBackupDetail = z.object({
  backupId: z.string(),
  connection: z.string(),
  tables: z.array(z.string()),
  sizeBytes: z.number().optional(),
  sha256: z.string().optional(),
  verification: z.string().optional(),
  error: z.string().optional(),
})
export type BackupDetail = z.infer<typeof ZBackupDetail>

const detailOf =
  <S extends z.ZodType>(schema: S, kind: string) =>
  (json: unknown, stepRunId: string): z.infer<S> | null =>
    parseStored(schema, json, `${kind} detail of step run ${shortId(stepRunId)}`)

export const parseCopyDetail = detailOf(ZCopyDetail, 'copy')
export const parseObserveDetail = detailOf(ZObserveDetail, 'observe')
export const parseValidateDetail = detailOf(ZValidateDetail, 'validate')
export const parseBackupDetail = detailOf(ZBackupDetail, 'backup')
