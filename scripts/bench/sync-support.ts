import Database from 'better-sqlite3'
import type { SyncScopeOptions } from '../sync-scope'
import type { Lag } from '@/lib/engine/sync/model'

// What the sync benchmark (sync.ts) builds and measures: the sources' tables (copy.ts's six mixed columns, split
// over one table per writer: writers of one table would pick the same new keys and collide), the follow with its
// lag sampled on a clock of its own, and the percentiles.

export const tableNames = (writers: number) => Array.from({ length: writers }, (_, i) => `items_${i + 1}`)

/** `rows` rows in all, over the tables; the same values on both engines. */
export function makeSqliteSource(path: string, rows: number, writers: number) {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  for (const t of tableNames(writers)) {
    db.exec(
      `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, score REAL, active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, note TEXT);
       CREATE INDEX ${t}_created_at ON ${t} (created_at);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.ceil(rows / writers)})
       INSERT INTO ${t} SELECT i, 'user' || i || '@example.com', (i * 7919 % 100000) / 100.0, i % 2,
         datetime(1700000000 + i, 'unixepoch'), CASE WHEN i % 3 > 0 THEN 'note ' || i || char(9) || 'with a tab' END FROM n;`,
    )
  }
  db.close()
}

export const postgresSource = (rows: number, writers: number) =>
  tableNames(writers)
    .map(
      (
        t,
      ) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, email varchar(120) NOT NULL, score double precision, active boolean NOT NULL, created_at timestamptz NOT NULL, note text);
  CREATE INDEX ${t}_created_at ON ${t} (created_at);
  INSERT INTO ${t} SELECT i, 'user' || i || '@example.com', (i::bigint * 7919 % 100000) / 100.0, i % 2 = 1,
     to_timestamp(1700000000 + i), CASE WHEN i % 3 > 0 THEN 'note ' || i || E'\\twith a tab' END
   FROM generate_series(1, ${Math.ceil(rows / writers)}) i;`,
    )
    .join('\n')

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
  /** The newest applied change's age when its batch committed (seconds), null before the first batch. */
  lastCommitDelay(): number | null
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
  let lastDelay: number | null = null
  const stop = new AbortController()
  const following = follow({
    syncId: scope.syncId,
    feed,
    client,
    signal: stop.signal,
    onBatch: (batch, at) => {
      applied += batch.changes
      position = at
      if (batch.madeAt === null) return
      lastDelay = Math.max(0, (Date.now() - batch.madeAt) / 1000)
      commitDelay.push(lastDelay)
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
    lastCommitDelay: () => lastDelay,
    stop: async () => {
      clearInterval(sampler)
      stop.abort()
      await following.finally(() => feed.close())
      await client.end()
    },
  }
}
