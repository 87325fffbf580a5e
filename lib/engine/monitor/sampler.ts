import { stat } from 'node:fs/promises'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { db, type Prisma } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { Connection } from '@/lib/generated/prisma/client'
import { postgresTargetOf } from '@/lib/server/connections/secrets'
import { withoutServerPaths } from '@/lib/server/paths'
import { describePostgresError } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { resolveSqlitePath } from '@/lib/targets/sqlite'
import type { DatabaseSample, SampleData, SqliteSampleData } from '@/lib/domain/monitor-sample'
import { openMonitorConnection, rates, sampleDatabase } from './sample'
import { APPLICATION_OBJECTS } from '@/lib/targets/sqlite'
import { syncLagInto } from '@/lib/server/syncs/record'

// The worker's monitor: every few seconds it samples each connection that matters now – its environment
// has an active approved window, a run in progress or a sync following into it, or someone has its monitoring
// view open – and
// stores the sample (MetricSample) with the rates since the previous one. Each connection has one small
// connection of its own with short timeouts; an unreachable one is recorded as such and retried later and
// later (up to a minute). Samples older than the retention are deleted.

export const SAMPLE_EVERY_MS = 2_000
const SQLITE_EVERY_MS = 10_000
const MAX_BACKOFF_MS = 60_000
export const RETENTION_HOURS = 24

type State = {
  client: pg.Client | null
  previous: DatabaseSample | null
  failures: number
  nextAt: number
  sqliteCounts?: SqliteCounts
}

/** Connections to sample at `now`: an approved window is open or a run is in progress on their environment, or their view is open. */
export function connectionsToSample(now: Date, environmentIds?: readonly string[]) {
  return db.connection.findMany({
    where: {
      ...(environmentIds ? { environmentId: { in: [...environmentIds] } } : {}),
      OR: [
        { watchedUntil: { gt: now } },
        { environment: { windows: { some: { status: 'APPROVED', startsAt: { lte: now }, endsAt: { gt: now } } } } },
        { environment: { runs: { some: { status: { in: ['RUNNING', 'WAITING', 'ROLLING_BACK'] } } } } },
        // A sync follows into it: its lag is a metric rollback triggers watch.
        {
          environment: { syncs: { some: { status: { in: ['FOLLOWING', 'CUTTING_OVER'] } } } },
          targetFor: { some: {} },
        },
      ],
    },
  })
}

/** Row counts of a SQLite file are full scans: taken again only when the file changed, and at most once a minute. */
const SQLITE_RECOUNT_MS = 60_000
type SqliteCounts = { mtimeMs: number; countedAt: number; tables: SqliteSampleData['tables'] }

async function sqliteSample(connection: Connection, state: State): Promise<SqliteSampleData> {
  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) throw new Error('SQLite files are not available: LOCKSTEP_SQLITE_DIR is not set.')
  const path = resolveSqlitePath(dir, connection.filePath ?? '')
  const { size: sizeBytes, mtimeMs } = await stat(path)
  const cached = state.sqliteCounts
  if (cached && (cached.mtimeMs === mtimeMs || Date.now() - cached.countedAt < SQLITE_RECOUNT_MS))
    return { kind: 'sqlite', at: new Date().toISOString(), sizeBytes, tables: cached.tables }
  const file = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const names = file
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${APPLICATION_OBJECTS} ORDER BY name`)
      .pluck()
      .all() as string[]
    const tables = names.map((name) => ({
      name,
      rows:
        (file
          .prepare(`SELECT count(*) FROM ${quoteIdent(name)}`)
          .pluck()
          .get() as number) ?? 0,
    }))
    state.sqliteCounts = { mtimeMs, countedAt: Date.now(), tables }
    return { kind: 'sqlite', at: new Date().toISOString(), sizeBytes, tables }
  } finally {
    file.close()
  }
}

/** `environmentIds`: sample only these environments' connections (a worker of its own for some environments, or a test). */
export function createSampler(
  options: { everyMs?: number; log?: (line: string) => void; environmentIds?: () => readonly string[] } = {},
) {
  const everyMs = options.everyMs ?? SAMPLE_EVERY_MS
  const states = new Map<string, State>()
  const close = async (state: State | undefined) => {
    const client = state?.client
    if (state) state.client = null
    await client?.end().catch(() => undefined)
  }

  async function sampleOne(connection: Connection, state: State, now: number): Promise<void> {
    try {
      let data: SampleData
      if (connection.engine === 'POSTGRES') {
        state.client ??= await openMonitorConnection(postgresTargetOf(connection))
        const sample = await sampleDatabase(state.client)
        data = {
          kind: 'postgres',
          sample,
          rates: state.previous ? rates(state.previous, sample) : null,
          sync: await syncLagInto(connection.id),
        }
        state.previous = sample
      } else data = await sqliteSample(connection, state)
      await db.metricSample.create({
        data: { connectionId: connection.id, ok: true, data: data as unknown as Prisma.InputJsonValue },
      })
      state.failures = 0
      state.nextAt = now + (connection.engine === 'SQLITE' ? SQLITE_EVERY_MS : everyMs)
    } catch (error) {
      await close(state)
      state.previous = null
      state.failures++
      state.nextAt = now + Math.min(MAX_BACKOFF_MS, everyMs * 2 ** state.failures)
      const message =
        connection.engine === 'POSTGRES'
          ? describePostgresError(error, postgresTargetOf(connection)).message
          : withoutServerPaths((error as Error).message)
      await db.metricSample
        .create({ data: { connectionId: connection.id, ok: false, error: message } })
        .catch(() => undefined)
      if (state.failures === 1) options.log?.(`monitor: ${connection.name}: ${message}`)
    }
  }

  return {
    /** Samples every connection that is due; returns how many were sampled. */
    async tick(now = new Date()): Promise<number> {
      const due = await connectionsToSample(now, options.environmentIds?.())
      const ids = new Set(due.map((c) => c.id))
      for (const [id, state] of states) {
        if (ids.has(id)) continue
        await close(state)
        states.delete(id)
      }
      const ready = due.filter((c) => (states.get(c.id)?.nextAt ?? 0) <= now.getTime())
      await Promise.all(
        ready.map((c) => {
          let state = states.get(c.id)
          if (!state) states.set(c.id, (state = { client: null, previous: null, failures: 0, nextAt: 0 }))
          return sampleOne(c, state, now.getTime())
        }),
      )
      return ready.length
    },
    /** Deletes samples older than the retention. */
    async prune(now = new Date()): Promise<number> {
      return (
        await db.metricSample.deleteMany({
          where: { at: { lt: new Date(now.getTime() - RETENTION_HOURS * 3_600_000) } },
        })
      ).count
    },
    async stop(): Promise<void> {
      await Promise.all([...states.values()].map(close))
      states.clear()
    },
  }
}
