import type pg from 'pg'
import type { RejectedRow } from '@/lib/engine/copy/model'
import { appliedPosition, createApplier } from './apply'
import type { ChangeBatch, ChangeFeed, Lag } from './model'

// The follower: reads batches from a change feed and applies them on the target, one transaction each, until
// told to stop. Lag is measured about once a second. A batch another follower applied first is not applied
// again: the follower reads the recorded position and goes on from there.

export type FollowOptions = {
  syncId: string
  feed: ChangeFeed
  /** A session on the target of its own (applies hold row locks while they commit). */
  client: pg.Client
  signal?: AbortSignal
  /** Changes per batch, at most (about). */
  batchChanges?: number
  /** How long a read waits for changes before it counts as idle (a drain asks for less: it is downtime). */
  waitMs?: number
  /** Called after each applied batch, and with the lag about once a second. */
  onBatch?: (batch: ChangeBatch, position: string) => void | Promise<void>
  onLag?: (lag: Lag, position: string) => void | Promise<void>
  onRejects?: (rejects: RejectedRow[]) => Promise<void>
  /** Asked after each batch and each lag reading: true ends the follow (a cutover drained the lag…). */
  stopWhen?: (state: { lag: Lag | null; position: string; idle: boolean }) => boolean | Promise<boolean>
}

export type FollowOutcome = { position: string; applied: number; batches: number; stoppedBy: 'signal' | 'condition' }

const LAG_EVERY_MS = 1_000

export async function follow(o: FollowOptions): Promise<FollowOutcome> {
  const applier = await createApplier(o.client, o.syncId)
  const start = await appliedPosition(o.client, o.syncId)
  if (start === null)
    throw new Error(`The target has no record of the sync ${o.syncId}: its initial copy never finished there.`)
  let position = start
  let applied = 0
  let batches = 0
  let lagAt = 0
  let lag: Lag | null = null
  while (!o.signal?.aborted) {
    const batch = await o.feed.next(position, {
      max: o.batchChanges ?? 5_000,
      waitMs: o.waitMs ?? 250,
      signal: o.signal,
    })
    if (batch) {
      if (batch.rejects.length) await o.onRejects?.(batch.rejects)
      if (await applier.apply(position, batch)) {
        position = batch.position
        applied += batch.changes
        batches++
        await o.feed.applied(position)
        await o.onBatch?.(batch, position)
      } else {
        position = (await appliedPosition(o.client, o.syncId)) ?? position
      }
    }
    if (Date.now() - lagAt >= LAG_EVERY_MS || !batch) {
      lag = await o.feed.lag(position)
      lagAt = Date.now()
      await o.onLag?.(lag, position)
    }
    if (await o.stopWhen?.({ lag, position, idle: !batch }))
      return { position, applied, batches, stoppedBy: 'condition' }
  }
  return { position, applied, batches, stoppedBy: 'signal' }
}
