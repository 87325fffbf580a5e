import { db } from '@/lib/db'
import { mappingOf } from '@/lib/domain/mapping'
import { cutoverConfigOf, type CutoverDetail } from '@/lib/domain/sync'
import { formatDuration, plural } from '@/lib/domain/words'
import { drain, endSync, openFeed, setSequences, type SyncSource } from '@/lib/engine/sync/ends'
import { follow } from '@/lib/engine/sync/follow'
import type { Lag } from '@/lib/engine/sync/model'
import { validatePlan } from '@/lib/engine/validations'
import { startStepValidation } from '@/lib/server/validations/record'
import { isFollowed, leaseMs, moveSync, openReverseSync, recordLag, syncRejectedKeys } from '@/lib/server/syncs/record'
import { onlyRejectedRows } from '@/lib/engine/sync/rejected'
import { sinceCheck } from '@/lib/engine/sync/check'
import { forgetCheck } from '@/lib/engine/sync/apply'
import { sourceOf } from './copy'
import { syncSourceOf } from './sync'
import { requireTarget, type StepContext, type StepResult, type StepRunner } from './types'
import { switchBack } from './switch-back'
import type pg from 'pg'
import type { Sync } from '@/lib/generated/prisma/client'
import type { TCopyMapping } from '@/lib/domain/mapping'
import type { PostgresTarget } from '@/lib/targets/postgres'
import type { SourceTable } from '@/lib/engine/sync/pg-replication'
import {
  irreversible,
  publishedTables,
  reversedMapping,
  startFallback,
  tablesOnTarget,
} from '@/lib/engine/sync/fallback'

// `cutover` steps: the end of a sync. Writes to the source have stopped (a manual gate before the step was
// released, or the source has been quiet); the cutover takes the sync over from its follower, applies
// everything still waiting, sets the target's sequences, validates every table exactly and only then
// switches: what the sync made on the source goes, and the downtime – writes stopped → target ready – is
// recorded. A cutover that cannot finish hands the sync back to the followers with its reason: nothing is lost.

async function syncToCut(ctx: StepContext, syncStepId: string | null): Promise<Sync | string> {
  const syncs = await db.sync.findMany({
    where: {
      planId: ctx.planId,
      environmentId: ctx.environmentId,
      ...(syncStepId ? { stepId: syncStepId } : {}),
      status: { in: ['FOLLOWING', 'CUTTING_OVER', 'SWITCHED', 'COPYING'] },
      direction: 'FORWARD',
    },
    orderBy: { startedAt: 'desc' },
  })
  if (!syncs.length) return 'No sync of the plan follows the source on this environment: run the sync step first.'
  if (syncs.length > 1)
    return 'More than one sync of the plan follows the source on this environment; edit the cutover step and choose which it ends.'
  return syncs[0] as Sync
}

/** When the person released the last gate before this step in the run: the moment writes stopped. */
async function gateReleasedAt(ctx: StepContext): Promise<Date | null> {
  const current = await db.stepRun.findUniqueOrThrow({ where: { id: ctx.stepRunId }, select: { position: true } })
  const gate = await db.stepRun.findFirst({
    where: { runId: ctx.runId, kind: 'MANUAL', status: 'SUCCEEDED', position: { lt: current.position } },
    orderBy: { position: 'desc' },
    select: { finishedAt: true },
  })
  return gate?.finishedAt ?? null
}

/** The target's tables the sync wrote: public for a SQLite source, the published schemas for PostgreSQL. */
async function syncedTables(client: pg.Client, source: SyncSource, schemas: readonly string[]) {
  const wanted = source.engine === 'sqlite' ? ['public'] : schemas.length ? schemas : ['public']
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname = ANY ($1) ORDER BY 1, 2`,
    [wanted],
  )
  return rows
}

/** Starts the flow back into the old source; says whether it follows, or why there is none. */
async function openFallback(
  ctx: StepContext,
  forward: Sync,
  oldDatabase: PostgresTarget,
  published: SourceTable[],
  mapping: TCopyMapping,
): Promise<string> {
  const why = irreversible(mapping)
  if (why) return `No fallback: ${why}.`
  const reverse = await openReverseSync(forward, { tables: [], schemas: [], mapping: reversedMapping(mapping) })
  try {
    const position = await startFallback({
      reverseId: reverse.id,
      newDatabase: requireTarget(ctx).target,
      oldDatabase,
      tables: tablesOnTarget(published, mapping),
    })
    await moveSync(reverse.id, ['COPYING'], 'FOLLOWING', { position })
    return `From now on the target's changes flow back into ${forward.source} until the plan is closed: rolling this run back switches back without losing them.`
  } catch (error) {
    const reason = String((error as Error)?.message ?? error)
    await moveSync(reverse.id, ['COPYING'], 'FAILED', { error: reason, sourceCleanedAt: new Date() })
    return `No fallback: ${reason}`
  }
}

export const cutoverRunner: StepRunner = {
  needsTarget: true,
  async run(ctx): Promise<StepResult> {
    const session = requireTarget(ctx)
    const config = cutoverConfigOf(ctx.step.config)
    if (ctx.dryRun) return { status: 'SKIPPED', message: 'not run in a dry run (a cutover ends the sync)' }
    const found = await syncToCut(ctx, config.syncStepId)
    if (typeof found === 'string') return { status: 'FAILED', error: found }
    const sync = found
    if (sync.status === 'SWITCHED')
      return { status: 'SUCCEEDED', message: `already switched at ${sync.switchedAt?.toISOString().slice(11, 19)} UTC` }
    if (sync.status === 'COPYING')
      return { status: 'FAILED', error: 'The sync is still making its initial copy; cut over once it follows.' }
    if (sync.status === 'CUTTING_OVER' && sync.cutoverRunId !== ctx.runId)
      return { status: 'FAILED', error: 'Another run is cutting this sync over.' }
    if (
      sync.status === 'FOLLOWING' &&
      !(await moveSync(sync.id, ['FOLLOWING'], 'CUTTING_OVER', { cutoverRunId: ctx.runId }))
    )
      return { status: 'FAILED', error: 'The sync changed state as the cutover began; run the step again.' }

    const detail: CutoverDetail = {
      syncId: sync.id,
      stage: 'stopping-follower',
      writesStoppedAt: null,
      stoppedBy: null,
      drainedAt: null,
      sequences: [],
      validationId: null,
      switchedAt: null,
      downtimeMs: null,
      reason: null,
      fallback: null,
    }
    const show = (change: Partial<CutoverDetail>) => ctx.progress({ detail: Object.assign(detail, change) })
    const handBack = async (reason: string) => {
      await moveSync(sync.id, ['CUTTING_OVER'], 'FOLLOWING', { cutoverRunId: null, error: reason })
      await show({ stage: 'returned', reason })
    }
    const source = syncSourceOf(await sourceOf(ctx))
    const scope = sync.scope as { tables?: string[]; schemas?: string[]; mapping?: unknown }
    try {
      await show({})
      // The follower sees CUTTING_OVER at its next lag write (about a second) and lets go.
      const until = Date.now() + leaseMs() + 5_000
      while (await isFollowed(sync.id)) {
        if (Date.now() > until) throw new Error('The follower did not let go of the sync.')
        if (ctx.signal.aborted) throw new Error('cancelled')
        await new Promise((r) => setTimeout(r, 200))
      }
      const feed = await openFeed(source, {
        syncId: sync.id,
        mapping: mappingOf(scope.mapping),
        tables: scope.tables ?? [],
      })
      let applied = 0
      const common = {
        syncId: sync.id,
        client: session.client,
        signal: ctx.signal,
        onBatch: (batch: { changes: number }) => void (applied += batch.changes),
        onLag: async (lag: Lag, position: string) => {
          await recordLag(sync.id, null, {
            position,
            appliedChanges: applied,
            waitingChanges: lag.waiting,
            lagSeconds: lag.seconds,
            lagTables: lag.tables,
          })
          applied = 0
        },
      }
      try {
        let stoppedAt = await gateReleasedAt(ctx)
        if (stoppedAt) await show({ writesStoppedAt: stoppedAt.toISOString(), stoppedBy: 'gate', stage: 'draining' })
        else {
          await show({ stage: 'waiting-for-quiet' })
          ctx.log(
            'info',
            `No gate before the cutover: waiting until the source has made no change for ${formatDuration(config.quietSeconds)}.`,
          )
          let lastChange = Date.now()
          let quietFrom = new Date()
          await follow({
            ...common,
            feed,
            onBatch: (batch) => {
              common.onBatch(batch)
              if (batch.changes) {
                lastChange = Date.now()
                quietFrom = new Date(batch.madeAt ?? Date.now())
              }
            },
            stopWhen: ({ idle, lag }) =>
              idle && lag?.waiting === 0 && Date.now() - lastChange >= config.quietSeconds * 1000,
          })
          if (ctx.signal.aborted) throw new Error('cancelled')
          stoppedAt = quietFrom
          await show({ writesStoppedAt: stoppedAt.toISOString(), stoppedBy: 'quiet', stage: 'draining' })
        }
        await drain(source, feed, common)
        if (ctx.signal.aborted) throw new Error('cancelled')
        await show({ drainedAt: new Date().toISOString(), stage: 'sequences' })
        const sequences = await setSequences(
          source,
          session.client,
          await syncedTables(session.client, source, scope.schemas ?? []),
        )
        await show({ sequences, stage: 'validating' })
        const validationId = await startStepValidation(ctx.stepRunId, ctx.planId, ctx.environmentId, {
          tables: scope.tables ?? [],
          maxSamples: 20,
          maxDifferences: 1000,
        })
        await show({ validationId })
        // A validation that passed while the sync followed leaves only the rows changed since to compare.
        const since = await sinceCheck(session.client, sync.id)
        ctx.log(
          'info',
          since
            ? `A validation passed while the sync followed: comparing the ${plural(since.rows, 'row')} changed since (or differing then) and every table's row count.`
            : 'No validation of every table passed while the sync followed: comparing every row.',
        )
        const report = await validatePlan({
          validationId,
          planId: ctx.planId,
          environmentId: ctx.environmentId,
          tables: scope.tables ?? [],
          schemas: scope.schemas ?? [],
          maxSamples: 20,
          maxDifferences: 1000,
          integrity: false,
          changedKeys: since?.changedKeys,
          signal: ctx.signal,
        })
        // Rows the copy rejected (values that do not fit, within the step's limit) are the only accepted difference.
        const rejectedOnly = onlyRejectedRows(report, await syncRejectedKeys(sync.scope))
        if (rejectedOnly)
          ctx.log(
            'info',
            `${plural(rejectedOnly, 'row')} the copy rejected (listed with the step) are not on the target, as the step allowed.`,
          )
        if (rejectedOnly === null) {
          const differing = report.tables.filter((t) => t.state !== 'VALIDATED' && t.state !== 'NO_PRIMARY_KEY')
          const reason = `the final validation found ${differing.length ? `differences in ${differing.map((t) => t.table).join(', ')}` : 'a failing rule'}`
          // The next cutover compares every row, unless a validation passes again while the sync follows.
          if (since) await forgetCheck(session.client, sync.id)
          await handBack(reason)
          return {
            status: 'FAILED',
            error: `The cutover did not finish: ${reason}. The sync follows the source again; nothing was lost. Look at the validation, then run the cutover again.`,
          }
        }
        await show({ stage: 'switching' })
        const published = source.engine === 'postgres' ? await publishedTables(source.target, sync.id) : []
        await endSync(source, sync.id, session.client)
        // Before the application may write to the target: the fallback's slot must see its first change.
        const fallback =
          source.engine === 'postgres'
            ? await openFallback(ctx, sync, source.target, published, mappingOf(scope.mapping))
            : null
        if (fallback) ctx.log('info', fallback)
        const switchedAt = new Date()
        const downtimeMs = switchedAt.getTime() - stoppedAt.getTime()
        await moveSync(sync.id, ['CUTTING_OVER'], 'SWITCHED', {
          switchedAt,
          writesStoppedAt: stoppedAt,
          downtimeMs,
          endedAt: switchedAt,
          sourceCleanedAt: switchedAt,
          waitingChanges: 0,
          lagSeconds: 0,
          lagTables: [],
        })
        await show({ stage: 'switched', switchedAt: switchedAt.toISOString(), downtimeMs, fallback })
        return {
          status: 'SUCCEEDED',
          message: `switched to the target at ${switchedAt.toISOString().slice(11, 19)} UTC after ${(downtimeMs / 1000).toFixed(1)} s of downtime (writes stopped → target ready); ${plural(sequences.length, 'sequence')} set; ${rejectedOnly ? `every table matches but for ${plural(rejectedOnly, 'row')} the copy rejected` : 'every table matches'}`,
        }
      } finally {
        await feed.close()
      }
    } catch (error) {
      const reason = ctx.signal.aborted ? 'the cutover was cancelled' : String((error as Error)?.message ?? error)
      await handBack(reason).catch(() => undefined)
      if (ctx.signal.aborted) return { status: 'CANCELLED' }
      return {
        status: 'FAILED',
        error: `The cutover did not finish: ${reason}. The sync follows the source again; nothing was lost.`,
      }
    }
  },
  /** Switching back to the old database through the fallback (PostgreSQL sources). */
  rollback: switchBack,
}
