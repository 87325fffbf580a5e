import { z } from 'zod'
import { parseStored } from './stored-json'

// What the worker's monitor records of a target (MetricSample.data) and the monitoring pages show: a
// PostgreSQL database's health from its statistics views, with the rates since the previous sample, or a
// SQLite file's size and row counts.

/** The application name of the monitor's connections, which it leaves out of what it reports. */
export const MONITOR_APPLICATION = 'lockstep monitor'

export type DatabaseCounters = {
  backends: number
  commits: number
  rollbacks: number
  blocksRead: number
  blocksHit: number
  deadlocks: number
  tempBytes: number
  sizeBytes: number
}

export type Activity = {
  active: number
  idleInTransaction: number
  waiting: number
  longestQuerySeconds: number
  longestTransactionSeconds: number
}

export type BlockedSession = {
  blockedPid: number
  blockedQuery: string
  blockedSeconds: number
  /** What it waits for, e.g. "Lock: relation". */
  waitEvent: string | null
  blockingPid: number
  blockingQuery: string
  blockingState: string | null
}

export type CopyProgress = {
  pid: number
  relation: string | null
  command: string
  type: string
  bytesProcessed: number
  bytesTotal: number
  tuplesProcessed: number
  tuplesExcluded: number
}
export type IndexProgress = {
  pid: number
  relation: string | null
  index: string | null
  phase: string
  blocksDone: number
  blocksTotal: number
  tuplesDone: number
  tuplesTotal: number
}
export type ReplicaLag = { name: string; state: string; replayLagSeconds: number | null }
/** An index no query has scanned since the statistics were last reset: it costs writes and space for nothing. */
export type UnusedIndex = { table: string; index: string; sizeBytes: number; scans: number }
export type TopStatement = { query: string; calls: number; totalMs: number; meanMs: number; rows: number }

export type DatabaseSample = {
  at: string
  serverVersion: number
  /**
   * The monitor's role, and whether it sees the statement and wait of every session of this database: it is a
   * superuser or has pg_read_all_stats (e.g. through pg_monitor), or every session belongs to a role whose
   * privileges it has – its own, or one granted to it.
   */
  role: string
  seesAllSessions: boolean
  counters: DatabaseCounters
  activity: Activity
  blocked: BlockedSession[]
  copies: CopyProgress[]
  indexes: IndexProgress[]
  replicas: ReplicaLag[]
  /** The largest unused indexes (at most UNUSED_INDEX_LIMIT); those enforcing a key or a constraint are not listed. */
  unusedIndexes: UnusedIndex[]
  /** Top statements by total time; or why they are not available. */
  statements: { available: true; top: TopStatement[] } | { available: false; reason: string }
}

export type Rates = {
  seconds: number
  commitsPerSecond: number
  rollbacksPerSecond: number
  cacheHitRatio: number | null
  deadlocks: number
  tempBytesPerSecond: number
}

/** How far behind the syncs into a database are: the slowest's lag, and the changes all of them have waiting. */
export type SyncLag = { lagSeconds: number; waiting: number }
export type PostgresSampleData = {
  kind: 'postgres'
  sample: DatabaseSample
  rates: Rates | null
  sync?: SyncLag | null
}
export type SqliteSampleData = {
  kind: 'sqlite'
  at: string
  sizeBytes: number
  tables: { name: string; rows: number }[]
}
export type SampleData = PostgresSampleData | SqliteSampleData

const num = z.number()
// The first samples of 21 Nov 2026 did not record the monitor's role or unused indexes yet.
const ZDatabaseSample: z.ZodType<DatabaseSample> = z.object({
  at: z.string(),
  serverVersion: num,
  role: z.string().default(''),
  seesAllSessions: z.boolean().default(false),
  counters: z.object({
    backends: num,
    commits: num,
    rollbacks: num,
    blocksRead: num,
    blocksHit: num,
    deadlocks: num,
    tempBytes: num,
    sizeBytes: num,
  }),
  activity: z.object({
    active: num,
    idleInTransaction: num,
    waiting: num,
    longestQuerySeconds: num,
    longestTransactionSeconds: num,
  }),
  blocked: z.array(
    z.object({
      blockedPid: num,
      blockedQuery: z.string(),
      blockedSeconds: num,
      waitEvent: z.string().nullable(),
      blockingPid: num,
      blockingQuery: z.string(),
      blockingState: z.string().nullable(),
    }),
  ),
  copies: z.array(
    z.object({
      pid: num,
      relation: z.string().nullable(),
      command: z.string(),
      type: z.string(),
      bytesProcessed: num,
      bytesTotal: num,
      tuplesProcessed: num,
      tuplesExcluded: num,
    }),
  ),
  indexes: z.array(
    z.object({
      pid: num,
      relation: z.string().nullable(),
      index: z.string().nullable(),
      phase: z.string(),
      blocksDone: num,
      blocksTotal: num,
      tuplesDone: num,
      tuplesTotal: num,
    }),
  ),
  replicas: z.array(z.object({ name: z.string(), state: z.string(), replayLagSeconds: num.nullable() })),
  unusedIndexes: z.array(z.object({ table: z.string(), index: z.string(), sizeBytes: num, scans: num })).default([]),
  statements: z.union([
    z.object({
      available: z.literal(true),
      top: z.array(z.object({ query: z.string(), calls: num, totalMs: num, meanMs: num, rows: num })),
    }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
})

const ZRates: z.ZodType<Rates> = z.object({
  seconds: num,
  commitsPerSecond: num,
  rollbacksPerSecond: num,
  cacheHitRatio: num.nullable(),
  deadlocks: num,
  tempBytesPerSecond: num,
})

/** MetricSample.data. */
export const ZSampleData: z.ZodType<SampleData> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('postgres'),
    sample: ZDatabaseSample,
    rates: ZRates.nullable(),
    sync: z.object({ lagSeconds: num, waiting: num }).nullable().optional(),
  }),
  z.object({
    kind: z.literal('sqlite'),
    at: z.string(),
    sizeBytes: num,
    tables: z.array(z.object({ name: z.string(), rows: num })),
  }),
])

/** A monitoring sample's stored data, parsed (null when the sample failed and holds none). */
export const parseSampleData = (json: unknown, takenAt: Date): SampleData | null =>
  parseStored(ZSampleData, json, `monitoring sample of ${takenAt.toISOString()}`)
