import { db, type Prisma } from '@/lib/db'
import { mappingOrThrow } from '@/lib/domain/mapping'
import { copyConfigOf } from '@/lib/domain/step-kinds'
import { syncConfigOf, type SyncConfig } from '@/lib/domain/sync'
import { plural } from '@/lib/domain/words'
import type { CopySummary } from '@/lib/engine/copy/model'
import { appliedPosition } from '@/lib/engine/sync/apply'
import { endSync, type SyncSource } from '@/lib/engine/sync/ends'
import { SyncRefused } from '@/lib/engine/sync/model'
import { startPostgresSync } from '@/lib/engine/sync/pg-start'
import { startSqliteSync } from '@/lib/engine/sync/sqlite-start'
import { planTargetOf, type PlanSource } from '@/lib/server/runs/target'
import { moveSync, openSync } from '@/lib/server/syncs/record'
import { copyStepParts, refuseSchemasOfSqlite, sourceOf, undoStepCopy } from './copy'
import { requireTarget, type StepContext, type StepResult, type StepRunner } from './types'

// `sync` steps: the capture on the source (a SQLite file's triggers, or a PostgreSQL slot and publication),
// the initial copy – with a copy step's figures on the run page – and then the sync is handed to the
// followers (lib/engine/syncs.ts): any worker applies the source's changes until a cutover step ends it. A
// resumed step finds its sync following and does not copy again.

export const syncSourceOf = (s: PlanSource): SyncSource =>
  s.engine === 'SQLITE'
    ? { engine: 'sqlite', path: s.path, label: s.name }
    : { engine: 'postgres', target: s.target, label: s.name }

/** The step's copy settings: its own, or those of the copy step it follows (which must still be a copy step of the plan). */
async function settingsOf(ctx: StepContext): Promise<SyncConfig> {
  const config = syncConfigOf(ctx.step.config)
  if (!config.copyStepId) return config
  const copy = await db.step.findFirst({
    where: { id: config.copyStepId, planId: ctx.planId, kind: 'COPY', removedAt: null },
    select: { config: true },
  })
  if (!copy)
    throw new SyncRefused(
      'The copy step this sync follows is no longer a copy step of the plan; edit the sync step and choose one.',
    )
  return { ...copyConfigOf(copy.config), copyStepId: config.copyStepId, captureConfirmed: config.captureConfirmed }
}

export const syncRunner: StepRunner = {
  needsTarget: true,
  async run(ctx): Promise<StepResult> {
    const session = requireTarget(ctx)
    if (ctx.dryRun)
      return { status: 'SKIPPED', message: 'not run in a dry run (a sync writes rows and changes the source)' }
    let config: SyncConfig
    try {
      config = await settingsOf(ctx)
    } catch (error) {
      if (error instanceof SyncRefused) return { status: 'FAILED', error: error.message }
      throw error
    }
    const mapping = mappingOrThrow(config.mapping)
    const planSource = await sourceOf(ctx)
    // Named as the connection is named (every role reads it): never its address.
    const targetName = (await planTargetOf(ctx.planId, ctx.environmentId))?.name ?? 'the target'
    // Following a copy step, the sync makes that step's copy again (under its capture): the same tables, not a second set.
    const parts = copyStepParts(ctx, planSource, config, config.copyStepId ?? ctx.step.id)
    const sync = await openSync({
      planId: ctx.planId,
      stepId: ctx.step.id,
      environmentId: ctx.environmentId,
      runId: ctx.runId,
      engine: planSource.engine,
      source: planSource.name,
      target: targetName,
      scope: {
        tables: config.tables,
        schemas: config.schemas,
        mapping: mapping as Prisma.InputJsonValue,
        copyId: parts.copyId,
      },
    })
    if (sync.status === 'FOLLOWING' || sync.status === 'CUTTING_OVER')
      return {
        status: 'SUCCEEDED',
        message: `is already following ${planSource.name} (since ${sync.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      }
    if (sync.status === 'SWITCHED')
      return { status: 'SUCCEEDED', message: `already cut over to the target; nothing to follow` }

    const { idFor, copyId, common, conclude, refused } = parts
    let summary: CopySummary
    try {
      if (planSource.engine === 'POSTGRES') {
        ;({ summary } = await startPostgresSync({
          ...common,
          syncId: sync.id,
          from: planSource.target,
          label: planSource.name,
          schemas: config.schemas,
          tables: config.tables,
          copyIdFor: idFor,
          mapping,
        }))
      } else {
        refuseSchemasOfSqlite(planSource, config)
        summary = await startSqliteSync({
          ...common,
          syncId: sync.id,
          copyId,
          path: planSource.path,
          label: planSource.name,
          tables: config.tables,
          mapping,
          captureConfirmed: config.captureConfirmed,
        })
      }
    } catch (error) {
      const result =
        refused(error) ?? (error instanceof SyncRefused ? ({ status: 'FAILED', error: error.message } as const) : null)
      if (!result) throw error
      await moveSync(sync.id, ['COPYING'], 'FAILED', { error: result.status === 'FAILED' ? result.error : null })
      return result
    }
    const result = await conclude(summary)
    if (result.status !== 'SUCCEEDED') {
      // What the sync made on the source goes with a copy that did not finish (a retry makes it again).
      await endSync(syncSourceOf(planSource), sync.id, null).catch(() => undefined)
      await moveSync(sync.id, ['COPYING'], 'FAILED', {
        error: result.status === 'FAILED' ? result.error : 'cancelled',
        sourceCleanedAt: new Date(),
      })
      return result
    }
    const position = await appliedPosition(session.client, sync.id)
    await moveSync(sync.id, ['COPYING'], 'FOLLOWING', { position, error: null })
    const written = summary.tables.reduce((n, t) => n + t.written, 0)
    return {
      status: 'SUCCEEDED',
      message: `copied ${plural(written, 'row')} in ${plural(summary.tables.length, 'table')}; now following ${planSource.name}'s changes until a cutover step ends the sync`,
    }
  },
  /** Ends the sync (what it made on the source goes) and undoes its initial copy. */
  async rollback(ctx): Promise<StepResult> {
    const session = requireTarget(ctx)
    const config = await settingsOf(ctx)
    const planSource = await sourceOf(ctx)
    const sync = await db.sync.findUnique({
      where: {
        stepId_environmentId_direction: { stepId: ctx.step.id, environmentId: ctx.environmentId, direction: 'FORWARD' },
      },
    })
    if (sync && sync.status !== 'SWITCHED' && sync.status !== 'ENDED') {
      await moveSync(sync.id, ['COPYING', 'FOLLOWING', 'CUTTING_OVER', 'FAILED'], 'ENDED', {
        endedAt: new Date(),
        workerId: null,
      })
      await endSync(syncSourceOf(planSource), sync.id, session.client)
    }
    const tables = await undoStepCopy(ctx, planSource, config, config.copyStepId ?? ctx.step.id)
    return {
      status: 'SUCCEEDED',
      message: `ended the sync${tables.length ? ` and ${config.mode === 'create' ? 'dropped' : 'emptied'} ${tables.join(', ')}` : ''}`,
    }
  },
}
