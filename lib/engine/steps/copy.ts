import { copyIdOf, RowsOnTarget, runCopy, undoCopy } from '@/lib/engine/copy/engine'
import { describeFilled } from '@/lib/engine/copy/existing-rows'
import type { CopySource, CopySummary, RejectedRow } from '@/lib/engine/copy/model'
import type { CopyDetail, FilledTable, TableProgress } from '@/lib/domain/step-details'
import { copySchemas, schemaSource, undoSchemas } from '@/lib/engine/copy/schemas'
import { copyUnitsFor } from '@/lib/engine/copy-units'
import { sqliteSource } from '@/lib/engine/copy/sqlite-source'
import { planSourceOf, type PlanSource } from '@/lib/server/runs/target'
import { copyConfigOf, type CopyConfig } from '@/lib/domain/step-kinds'
import { isEmptyMapping } from '@/lib/domain/mapping-lookup'
import { mappingOrThrow, type TCopyMapping } from '@/lib/domain/mapping'
import { progressWriter, requireTarget, type StepContext, type StepResult, type StepRunner } from './types'
import { plural } from '@/lib/domain/words'

// `copy` steps: the plan's source connection on the run's environment into its target, through the copy
// engine (lib/engine/copy). Live per-table figures land in the step run's `detail`; rejected rows in
// CopyReject. The copy's id comes from the step, its source and its table selection, so a resumed run
// (or a retry) continues the same copy, and a finished one is not repeated unless the step says reload.

/**
 * One schema's copy id (public, and a SQLite source, keep the id a copy of one schema always had). The
 * existing-rows choice is part of it only when it is not the default, so the copies of steps saved before the
 * choice existed keep their ids; a changed choice starts a copy of its own.
 */
const copyIdFor =
  (stepId: string, source: PlanSource, config: CopyConfig) =>
  (schema: string | null, tables: readonly string[] | null) =>
    copyIdOf(`step-${stepId}`, {
      source: source.identity,
      ...(schema && schema !== 'public' ? { schema } : {}),
      tables: [...(tables ?? [])].sort(),
      mode: config.mode,
      ...(config.existingRows !== 'refuse' ? { existingRows: config.existingRows } : {}),
      // A changed mapping is another copy: its rows would not be those the first attempt wrote.
      ...(isEmptyMapping(config.mapping) ? {} : { mapping: config.mapping }),
    })
/** Why the copy left the target's rows alone, and which setting of the step decides it. */
function rowsOnTargetError(config: CopyConfig, filled: readonly FilledTable[]) {
  const them = filled.length === 1 ? 'it' : 'them'
  if (config.existingRows === 'empty') {
    return `The target ${filled.length === 1 ? 'table' : 'tables'} ${describeFilled(filled)} already ${filled.length === 1 ? 'has' : 'have'} rows, and emptying ${them} was never confirmed; nothing was changed. Edit the step and confirm that ${them} will be emptied, under “Rows already on the target”.`
  }
  return `The target ${filled.length === 1 ? 'table' : 'tables'} ${describeFilled(filled)} already ${filled.length === 1 ? 'has' : 'have'} rows (seeded by the application's migrations?); nothing was changed. Edit the step and choose, under “Rows already on the target”, to empty ${them} first or to merge the source's rows by primary key.`
}

export async function sourceOf(ctx: StepContext): Promise<PlanSource> {
  const source = await planSourceOf(ctx.planId, ctx.environmentId)
  if (!source) throw new Error('The plan has no source connection on this environment; choose one on the plan page.')
  return source
}

/** A SQLite file has no schemas: a step that names some says so instead of ignoring them. */
export function refuseSchemasOfSqlite(source: PlanSource, config: CopyConfig) {
  if (config.schemas.length)
    throw new Error(
      `The step names schemas (${config.schemas.join(', ')}), but the plan's source ${source.name} is a SQLite file, which has none; clear the step's schemas.`,
    )
}

/**
 * What a copy step (and a sync step's initial copy) shares: the copy's id, the options every copy takes from
 * the step, live figures written to the step run, and the step's result from the copy's summary.
 */
/** `copyOf`: the step whose copy this is (a sync that follows a copy step makes that step's copy again). */
export function copyStepParts(ctx: StepContext, planSource: PlanSource, config: CopyConfig, copyOf = ctx.step.id) {
  const session = requireTarget(ctx)
  const idFor = copyIdFor(copyOf, planSource, config)
  // The detail names the copy of public (or of the SQLite file): each other schema's copy has an id of its own.
  const copyId = idFor(null, config.tables.length ? config.tables : null)
  // A resumed copy finds the target's rows already emptied or merged: what the first attempt did stays shown.
  const earlier = ctx.earlierDetail as Partial<CopyDetail> | null
  let base: Pick<CopyDetail, 'copyId' | 'source' | 'mode' | 'existingRows'> = {
    copyId,
    source: planSource.name,
    mode: config.mode,
    ...(earlier?.copyId === copyId && earlier.existingRows ? { existingRows: earlier.existingRows } : {}),
  }
  const handled: FilledTable[] = []
  const writer = progressWriter()
  const write = (detail: CopyDetail) => writer.track(() => ctx.progress({ detail }))
  const common = {
    session: session.client,
    target: session.target,
    mode: config.mode,
    jobs: config.jobs,
    chunkRows: config.chunkRows,
    maxRejectedRows: config.maxRejectedRows,
    reload: config.reload,
    existingRows: config.existingRows,
    // Confirmed by the person who chose "empty first" when saving the step; the step's content checksum covers it.
    confirmEmpty: async () => config.emptyConfirmed,
    // Called once per schema copied: the tables of every schema are listed.
    onExistingRows: (done: 'emptied' | 'merged', tables: readonly FilledTable[]) => {
      handled.push(...tables)
      base = { ...base, existingRows: { done, tables: [...handled], described: describeFilled(handled) } }
    },
    signal: ctx.signal,
    log: ctx.log,
    onProgress: (tables: TableProgress[], workers?: number) =>
      write({ ...base, tables, ...(workers ? { workers } : {}) }),
    onRejects: (rejects: RejectedRow[]) => ctx.saveRejects(copyId, rejects),
  }

  /** Writes the summary into the step run, then says how the step ended. */
  async function conclude(summary: CopySummary): Promise<StepResult> {
    write({
      ...base,
      tables: summary.tables,
      status: summary.status,
      warnings: summary.warnings,
      notes: summary.notes,
      notCopied: summary.notCopied,
      seconds: summary.seconds,
      indexSeconds: summary.indexSeconds,
    })
    await writer.flushed()
    const written = summary.tables.reduce((n, t) => n + t.written, 0)
    const rejected = summary.tables.reduce((n, t) => n + t.rejected, 0)
    switch (summary.status) {
      case 'FAILED':
        return { status: 'FAILED', error: summary.error ?? 'The copy failed.' }
      case 'CANCELLED':
        return { status: 'CANCELLED' }
      case 'ALREADY_COPIED':
        return {
          status: 'SUCCEEDED',
          message: `was already copied (${plural(written, 'row')}); the step asks for no reload`,
        }
      default: {
        const existing = base.existingRows
          ? `; ${base.existingRows.done === 'emptied' ? 'emptied first' : 'merged by primary key into'} ${base.existingRows.described}`
          : ''
        return {
          status: 'SUCCEEDED',
          message: `copied ${plural(written, 'row')} in ${plural(summary.tables.length, 'table')} in ${summary.seconds.toFixed(1)} s${rejected ? `, ${plural(rejected, 'row')} rejected` : ''}${existing}`,
        }
      }
    }
  }

  /** The step's failure when the target's tables already have rows the step may not touch. */
  const refused = (error: unknown): StepResult | null =>
    error instanceof RowsOnTarget ? { status: 'FAILED', error: rowsOnTargetError(config, error.filled) } : null

  return { idFor, copyId, common, conclude, refused }
}

/**
 * The source of one schema's copy of a copy step (a SQLite file has one): what the step's run reads, and what a
 * worker helping it load the copy's parts reads (lib/engine/copy-help.ts).
 */
export function stepCopySource(
  planSource: PlanSource,
  config: CopyConfig,
  mapping: TCopyMapping | undefined,
  schema: string,
): CopySource {
  return planSource.engine === 'POSTGRES'
    ? schemaSource(planSource.target, { schema, label: planSource.name, mapping, mode: config.mode })
    : sqliteSource(planSource.path, planSource.name, { mapping })
}

/** Undoes a step's copy (tables it created dropped, existing ones emptied); the tables it undid. */
export async function undoStepCopy(
  ctx: StepContext,
  planSource: PlanSource,
  config: CopyConfig,
  copyOf = ctx.step.id,
): Promise<string[]> {
  const session = requireTarget(ctx)
  const idFor = copyIdFor(copyOf, planSource, config)
  return planSource.engine === 'POSTGRES'
    ? undoSchemas(session.client, planSource.target, {
        schemas: config.schemas,
        tables: config.tables,
        copyIdFor: idFor,
      })
    : undoCopy(session.client, idFor(null, config.tables.length ? config.tables : null))
}

export const copyRunner: StepRunner = {
  needsTarget: true,
  async run(ctx): Promise<StepResult> {
    const config = copyConfigOf(ctx.step.config)
    // A stored mapping that no longer reads stops the step, naming the rule: never a copy without it.
    const mapping = mappingOrThrow((ctx.step.config as { mapping?: unknown } | null)?.mapping)
    const planSource = await sourceOf(ctx)
    if (ctx.dryRun) return { status: 'SKIPPED', message: 'not run in a dry run (a copy writes rows)' }
    const { idFor, copyId, common, conclude, refused } = copyStepParts(ctx, planSource, config)
    // Its parts go to a queue in Lockstep's database: every worker helps load them (lib/engine/copy/shared.ts).
    const units = copyUnitsFor(ctx.stepRunId, ctx.workerId)
    let summary: CopySummary
    try {
      if (planSource.engine === 'POSTGRES') {
        summary = await copySchemas({
          ...common,
          units,
          from: planSource.target,
          label: planSource.name,
          schemas: config.schemas,
          tables: config.tables,
          copyIdFor: idFor,
          mapping,
        })
      } else {
        refuseSchemasOfSqlite(planSource, config)
        const source = stepCopySource(planSource, config, mapping, 'public')
        try {
          summary = await runCopy({
            ...common,
            units,
            copyId,
            source,
            tables: config.tables.length ? config.tables : undefined,
          })
        } finally {
          await source.close()
        }
      }
    } catch (error) {
      const result = refused(error)
      if (result) return result
      throw error
    }
    return conclude(summary)
  },
  /** Undoes the copy: tables it created are dropped, existing tables it filled are emptied (rows it merged into too). */
  async rollback(ctx): Promise<StepResult> {
    const config = copyConfigOf(ctx.step.config)
    const tables = await undoStepCopy(ctx, await sourceOf(ctx), config)
    const merged = config.existingRows === 'merge' ? ' (the rows they had before the copy too)' : ''
    return {
      status: 'SUCCEEDED',
      message: tables.length
        ? `${config.mode === 'create' ? 'dropped' : 'emptied'} ${tables.join(', ')}${merged}`
        : 'nothing had been copied',
    }
  },
}
