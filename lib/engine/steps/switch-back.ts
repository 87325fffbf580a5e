import { db } from '@/lib/db'
import { mappingOf } from '@/lib/domain/mapping'
import { plural } from '@/lib/domain/words'
import { drain, endSync, openFeed, setSequences, type SyncSource } from '@/lib/engine/sync/ends'
import { isFollowed, leaseMs, moveSync } from '@/lib/server/syncs/record'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { sourceOf } from './copy'
import { requireTarget, type StepContext, type StepResult } from './types'

// A cutover's undo: switching back to the old database. Its fallback (the new database's changes flowing back
// since the switch) takes the place of a new copy – the undo drains it, sets the old database's sequences and
// ends it, so the hour since the cutover is not lost. The application must have stopped writing to the new
// database first, as it stopped writing to the old one for the cutover.

export async function switchBack(ctx: StepContext): Promise<StepResult> {
  const session = requireTarget(ctx)
  const forward = await db.sync.findFirst({
    where: { planId: ctx.planId, environmentId: ctx.environmentId, direction: 'FORWARD', cutoverRunId: ctx.runId },
  })
  if (!forward || forward.status !== 'SWITCHED')
    return { status: 'SUCCEEDED', message: 'the cutover had not switched: the source is still the database' }
  const reverse = await db.sync.findFirst({ where: { forwardId: forward.id, direction: 'REVERSE' } })
  if (!reverse || reverse.status !== 'FOLLOWING')
    return {
      status: 'FAILED',
      error: `There is no fallback to switch back with${reverse?.error ? ` (${reverse.error})` : ''}: ${forward.source} lacks what was written to the target since the cutover. Switch back by hand, or copy those changes first.`,
    }
  if (!(await moveSync(reverse.id, ['FOLLOWING'], 'CUTTING_OVER', { cutoverRunId: ctx.runId })))
    return { status: 'FAILED', error: 'The fallback changed state as the switch back began; run the rollback again.' }
  const old = await sourceOf(ctx)
  if (old.engine !== 'POSTGRES') return { status: 'FAILED', error: 'Only a PostgreSQL source has a fallback.' }
  const fresh: SyncSource = { engine: 'postgres', target: session.target, label: forward.target }
  const client = await openTargetConnection(old.target, 'lockstep fallback (switch back)')
  try {
    const until = Date.now() + leaseMs() + 5_000
    while (await isFollowed(reverse.id)) {
      if (Date.now() > until) throw new Error('The fallback’s follower did not let go of it.')
      await new Promise((r) => setTimeout(r, 200))
    }
    const feed = await openFeed(fresh, {
      syncId: reverse.id,
      mapping: mappingOf((reverse.scope as { mapping?: unknown }).mapping),
      tables: [],
    })
    let applied = 0
    try {
      await drain(fresh, feed, {
        syncId: reverse.id,
        client,
        signal: ctx.signal,
        onBatch: (b) => void (applied += b.changes),
      })
    } finally {
      await feed.close()
    }
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'lockstep')`,
    )
    const sequences = await setSequences(fresh, client, tables)
    await endSync(fresh, reverse.id, client)
    const now = new Date()
    await moveSync(reverse.id, ['CUTTING_OVER'], 'SWITCHED', { switchedAt: now, endedAt: now, sourceCleanedAt: now })
    await moveSync(forward.id, ['SWITCHED'], 'ENDED', { endedAt: now })
    return {
      status: 'SUCCEEDED',
      message: `switched back to ${forward.source}: ${plural(applied + Number(reverse.appliedChanges), 'change')} made on the target since the cutover applied to it; ${plural(sequences.length, 'sequence')} set`,
    }
  } catch (error) {
    await moveSync(reverse.id, ['CUTTING_OVER'], 'FOLLOWING', {
      cutoverRunId: null,
      error: String((error as Error)?.message),
    })
    throw error
  } finally {
    await client.end().catch(() => undefined)
  }
}
