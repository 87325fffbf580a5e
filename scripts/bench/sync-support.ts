import type { SyncScopeOptions } from '../sync-scope'
import type { Lag } from '@/lib/engine/sync/model'

// What the sync benchmark (sync.ts) builds and measures: the PostgreSQL source's table (the same six columns as
// copy.ts's SQLite `items`), the follow with its lag sampled on a clock of its own, and the percentiles.

export const PG_ITEMS = `CREATE TABLE items (id bigint PRIMARY KEY, email varchar(120) NOT NULL, score double precision, active boolean NOT NULL, created_at timestamptz NOT NULL, note text);
  CREATE INDEX items_created_at ON items (created_at)`

export const pgItemsFill = (rows: number) =>
  `INSERT INTO items SELECT i, 'user' || i || '@example.com', (i * 7919 % 100000) / 100.0, i % 2 = 1,
     '2023-11-14 22:13:20+00'::timestamptz + i * interval '1 second', CASE WHEN i % 3 > 0 THEN 'note ' || i || E'\\twith a tab' END
   FROM generate_series(1, ${rows}) i`

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

export type Following = {
  /** Changes applied since the follow began, and the position reached. */
  applied(): number
  position(): string
  /** The lag readings taken since `mark()` (seconds), and each batch's newest change's age when it committed. */
  mark(): void
  samples(): { lag: number[]; commitDelay: number[] }
  /** Stops the follow (after the batch in flight) and closes its feed. */
  stop(): Promise<void>
}

/** Follows the sync as `lockstep sync` does, reading the feed's lag every `sampleMs` beside it. */
export async function startFollowing(scope: SyncScopeOptions, sampleMs: number): Promise<Following> {
  const [{ openFeed }, { follow }, { openTargetConnection }, { appliedPosition }] = await Promise.all([
    import('@/lib/engine/sync/ends'),
    import('@/lib/engine/sync/follow'),
    import('@/lib/targets/sql/session'),
    import('@/lib/engine/sync/apply'),
  ])
  const client = await openTargetConnection(scope.target, 'lockstep bench (apply)')
  const feed = await openFeed(scope.source, { syncId: scope.syncId, mapping: scope.mapping, tables: [] })
  let position = (await appliedPosition(client, scope.syncId)) ?? '0'
  let applied = 0
  let lag: number[] = []
  let commitDelay: number[] = []
  const stop = new AbortController()
  const following = follow({
    syncId: scope.syncId,
    feed,
    client,
    signal: stop.signal,
    onBatch: (batch, at) => {
      applied += batch.changes
      position = at
      if (batch.madeAt !== null) commitDelay.push(Math.max(0, (Date.now() - batch.madeAt) / 1000))
    },
  })
  const sampler = setInterval(() => {
    feed
      .lag(position)
      .then((l: Lag) => void lag.push(l.seconds))
      .catch(() => undefined)
  }, sampleMs)
  return {
    applied: () => applied,
    position: () => position,
    mark: () => {
      lag = []
      commitDelay = []
    },
    samples: () => ({ lag, commitDelay }),
    stop: async () => {
      clearInterval(sampler)
      stop.abort()
      await following.finally(() => feed.close())
      await client.end()
    },
  }
}
