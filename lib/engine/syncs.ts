import { mappingOf } from '@/lib/domain/mapping'
import { follow } from '@/lib/engine/sync/follow'
import { endSync, openFeed, type SyncSource } from '@/lib/engine/sync/ends'
import type { Lag } from '@/lib/engine/sync/model'
import { planSourceOf, planTargetOf } from '@/lib/server/runs/target'
import {
  claimSync,
  endFallbacksOfClosedPlans,
  markSourceCleaned,
  recordLag,
  releaseSync,
  saveSyncRejects,
  syncsToClean,
  syncToFollow,
  type LagFigures,
} from '@/lib/server/syncs/record'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { syncSourceOf } from './steps/sync'

// The followers: a worker takes following syncs no other worker holds (a lease in Lockstep's database, renewed
// with every lag it writes) and applies each one's changes in the background until a cutover takes it over,
// it ends, or the worker stops. A follower that fails – a lost connection, a restarted server – lets go and
// any worker takes it again a few seconds later, from the position the target recorded: nothing is lost or
// applied twice.

const RETRY_MS = 3_000
/** Syncs one worker follows at once. */
const MAX_FOLLOWED = 8

export type Followers = { tick(): Promise<void>; stop(): Promise<void>; following(): string[] }

const lagFigures = (lag: Lag, position: string, applied: number, lastAppliedAt?: Date): LagFigures => ({
  position,
  appliedChanges: applied,
  waitingChanges: lag.waiting,
  lagSeconds: Math.round(lag.seconds * 1000) / 1000,
  lagTables: lag.tables,
  lastAppliedAt,
})

/** Where a sync reads and where it applies: the plan's source into its target, or back for a fallback. */
async function endsOf(sync: { planId: string; environmentId: string; direction: 'FORWARD' | 'REVERSE' }) {
  const [source, target] = await Promise.all([
    planSourceOf(sync.planId, sync.environmentId),
    planTargetOf(sync.planId, sync.environmentId),
  ])
  if (!source || !target) throw new Error('The plan has no source or target connection on this environment any more.')
  if (sync.direction === 'FORWARD') return { source: syncSourceOf(source), applyTo: target }
  if (source.engine !== 'POSTGRES') throw new Error('Only a PostgreSQL source has a fallback.')
  return { source: { engine: 'postgres', target, label: target.name } as SyncSource, applyTo: source.target }
}

export function createFollowers(workerId: string, log: (line: string) => void): Followers {
  const running = new Map<string, { stop: AbortController; done: Promise<void> }>()

  async function followOne(id: string, stop: AbortController) {
    const sync = await syncToFollow(id)
    const { source, applyTo } = await endsOf(sync)
    const scope = sync.scope as { tables?: string[] }
    const client = await openTargetConnection(applyTo, 'lockstep sync (apply)')
    const feed = await openFeed(source, {
      syncId: id,
      mapping: mappingOf((sync.scope as { mapping?: unknown }).mapping),
      tables: scope.tables ?? [],
    }).catch(async (error) => {
      await client.end().catch(() => undefined)
      throw error
    })
    let applied = 0
    let lastAppliedAt: Date | undefined
    try {
      await follow({
        syncId: id,
        feed,
        client,
        signal: stop.signal,
        onBatch: (batch) => {
          applied += batch.changes
          lastAppliedAt = new Date()
        },
        onRejects: (rejects) => saveSyncRejects(id, rejects),
        onLag: async (lag, position) => {
          const status = await recordLag(id, workerId, lagFigures(lag, position, applied, lastAppliedAt))
          applied = 0
          // A cutover took it over, a person ended it, or the lease went to another worker: let go.
          if (status !== 'FOLLOWING') stop.abort()
        },
      })
    } finally {
      await feed.close().catch(() => undefined)
      await client.end().catch(() => undefined)
    }
  }

  const start = (id: string) => {
    const stop = new AbortController()
    const done = followOne(id, stop)
      .then(() => releaseSync(id, workerId))
      .catch(async (error: Error) => {
        const message = String(error?.message ?? error).split('\n')[0] ?? 'unknown error'
        log(`sync ${id.slice(0, 8)} stopped following: ${message}; it is taken up again in a few seconds`)
        await releaseSync(id, workerId, message, RETRY_MS).catch(() => undefined)
      })
      .finally(() => running.delete(id))
    running.set(id, { stop, done })
  }

  /** Removes what ended syncs made on their sources (a person ended them from the web tier). */
  async function cleanUp() {
    for (const sync of await syncsToClean()) {
      if (running.has(sync.id)) continue
      const ends = await endsOf(sync).catch(() => null)
      if (ends) await endSync(ends.source, sync.id, null)
      await markSourceCleaned(sync.id)
      log(`sync ${sync.id.slice(0, 8)} ended: what it made on the source is removed`)
    }
  }

  return {
    async tick() {
      await endFallbacksOfClosedPlans().catch(() => 0)
      await cleanUp().catch((error: Error) => log(`sync clean-up failed: ${String(error?.message).split('\n')[0]}`))
      while (running.size < MAX_FOLLOWED) {
        const id = await claimSync(workerId)
        if (!id) return
        log(`sync ${id.slice(0, 8)} following`)
        start(id)
      }
    },
    async stop() {
      for (const { stop } of running.values()) stop.abort()
      await Promise.all([...running.values()].map((r) => r.done))
    },
    following: () => [...running.keys()],
  }
}
