import type pg from 'pg'
import { connectPostgres, type PostgresTarget } from '@/lib/targets/postgres'
import {
  MONITOR_APPLICATION,
  type DatabaseCounters,
  type DatabaseSample,
  type Rates,
} from '@/lib/domain/monitor-sample'

// One sample of a PostgreSQL database's health, read from the statistics views in a few cheap, bounded
// queries on a connection of the monitor's own (short statement and lock timeouts, its own backend left
// out): counters of pg_stat_database, sessions of pg_stat_activity, who blocks whom (pg_locks through
// pg_blocking_pids), COPY and CREATE INDEX progress, replication lag, the largest indexes never scanned,
// and the top statements when pg_stat_statements is installed. Rates (commits per second…) come from two samples (rates()).

/** Every statement of the monitor is cancelled after this long: sampling never holds a target up. */
export const SAMPLE_TIMEOUT_MS = 2_000
export const UNUSED_INDEX_LIMIT = 20
const UNUSED_INDEX_CANDIDATES = 200

/** The monitor's connection to a target: its own name (left out of what it reports) and short timeouts. */
export async function openMonitorConnection(target: PostgresTarget): Promise<pg.Client> {
  const client = await connectPostgres(target, { applicationName: MONITOR_APPLICATION, longRunning: true })
  await client.query(
    `SET statement_timeout = ${SAMPLE_TIMEOUT_MS}; SET lock_timeout = 200; SET idle_in_transaction_session_timeout = ${SAMPLE_TIMEOUT_MS * 5}`,
  )
  return client
}

// The indexes of pg_stat_user_indexes whose idx_scan (pg_stat_get_numscans) is 0, asked of the catalogs
// directly: the view's joins (pg_class twice, a pattern match per row) cost up to four times as much on a
// schema of thousands of indexes, every 2 seconds. Unique, primary key and exclusion indexes enforce a rule
// even when no query reads them: never "unused". Bounded work: only the UNUSED_INDEX_CANDIDATES largest by
// relpages (kept by VACUUM and ANALYZE, no file access) have their exact size taken, a stat() each.
const UNUSED_INDEXES_SQL = `
  SELECT b.indrelid::regclass::text AS table, b.indexrelid::regclass::text AS index, b.size, b.scans
    FROM (SELECT a.indrelid, a.indexrelid, a.scans, pg_relation_size(a.indexrelid) AS size
            FROM (SELECT i.indrelid, i.indexrelid, pg_stat_get_numscans(i.indexrelid) AS scans
                    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                   WHERE x.relkind = 'i'
                     AND x.relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname ~ '^pg_toast')
                     AND NOT (i.indisunique OR i.indisprimary OR i.indisexclusion)
                     AND pg_stat_get_numscans(i.indexrelid) = 0
                   ORDER BY x.relpages DESC LIMIT ${UNUSED_INDEX_CANDIDATES}) a
           ORDER BY size DESC, a.indexrelid LIMIT ${UNUSED_INDEX_LIMIT}) b
   ORDER BY b.size DESC, index`

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v))

export async function sampleDatabase(client: pg.Client): Promise<DatabaseSample> {
  const settings = (
    await client.query<{ v: string; role: string; sees: boolean }>(
      `SELECT current_setting('server_version_num') AS v, current_user AS role,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')
              OR NOT EXISTS (SELECT 1 FROM pg_stat_activity
                              WHERE datname = current_database() AND usesysid IS NOT NULL AND NOT pg_has_role(current_user, usesysid, 'USAGE')) AS sees`,
    )
  ).rows[0]
  const version = n(settings?.v)
  const counters = (
    await client.query(
      `SELECT numbackends, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes, pg_database_size(datid) AS size
         FROM pg_stat_database WHERE datname = current_database()`,
    )
  ).rows[0] as Record<string, unknown> | undefined
  const activity = (
    await client.query(
      `SELECT count(*) FILTER (WHERE state = 'active') AS active,
              count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction,
              count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting,
              coalesce(extract(epoch FROM max(now() - query_start) FILTER (WHERE state = 'active')), 0) AS longest_query,
              coalesce(extract(epoch FROM max(now() - xact_start)), 0) AS longest_transaction
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    )
  ).rows[0] as Record<string, unknown> | undefined
  const blocked = await client.query<{
    blocked_pid: number
    blocked_query: string
    blocked_seconds: number
    wait: string | null
    blocking_pid: number
    blocking_query: string | null
    blocking_state: string | null
  }>(
    `SELECT w.pid AS blocked_pid, w.query AS blocked_query, coalesce(extract(epoch FROM now() - w.query_start), 0)::float8 AS blocked_seconds,
            w.wait_event_type || ': ' || w.wait_event AS wait, b.pid AS blocking_pid, b.query AS blocking_query, b.state AS blocking_state
       FROM pg_stat_activity w
       CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid)
       LEFT JOIN pg_stat_activity b ON b.pid = blocker.pid
      WHERE w.datname = current_database() AND w.wait_event_type = 'Lock'
      ORDER BY blocked_seconds DESC LIMIT 50`,
  )
  const copies =
    version >= 140000
      ? (
          await client.query(
            `SELECT p.pid, p.relid::regclass::text AS relation, p.command, p.type, p.bytes_processed, p.bytes_total, p.tuples_processed, p.tuples_excluded
               FROM pg_stat_progress_copy p WHERE p.datname = current_database()`,
          )
        ).rows
      : []
  const indexes = (
    await client.query(
      `SELECT p.pid, p.relid::regclass::text AS relation, nullif(p.index_relid, 0)::regclass::text AS index, p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
         FROM pg_stat_progress_create_index p WHERE p.datname = current_database()`,
    )
  ).rows
  const replicas = (
    await client
      .query<{ name: string; state: string; lag: number | null }>(
        `SELECT application_name AS name, state, extract(epoch FROM replay_lag)::float8 AS lag FROM pg_stat_replication`,
      )
      .catch(() => ({ rows: [] }))
  ).rows
  const unused = await client.query<{ table: string; index: string; size: string; scans: string }>(UNUSED_INDEXES_SQL)
  return {
    at: new Date().toISOString(),
    serverVersion: version,
    role: settings?.role ?? '',
    seesAllSessions: settings?.sees === true,
    counters: {
      backends: n(counters?.numbackends),
      commits: n(counters?.xact_commit),
      rollbacks: n(counters?.xact_rollback),
      blocksRead: n(counters?.blks_read),
      blocksHit: n(counters?.blks_hit),
      deadlocks: n(counters?.deadlocks),
      tempBytes: n(counters?.temp_bytes),
      sizeBytes: n(counters?.size),
    },
    activity: {
      active: n(activity?.active),
      idleInTransaction: n(activity?.idle_in_transaction),
      waiting: n(activity?.waiting),
      longestQuerySeconds: n(activity?.longest_query),
      longestTransactionSeconds: n(activity?.longest_transaction),
    },
    blocked: blocked.rows.map((r) => ({
      blockedPid: r.blocked_pid,
      blockedQuery: r.blocked_query,
      blockedSeconds: r.blocked_seconds,
      waitEvent: r.wait,
      blockingPid: r.blocking_pid,
      blockingQuery: r.blocking_query ?? '',
      blockingState: r.blocking_state,
    })),
    copies: copies.map((r) => ({
      pid: n(r.pid),
      relation: r.relation ?? null,
      command: String(r.command),
      type: String(r.type),
      bytesProcessed: n(r.bytes_processed),
      bytesTotal: n(r.bytes_total),
      tuplesProcessed: n(r.tuples_processed),
      tuplesExcluded: n(r.tuples_excluded),
    })),
    indexes: indexes.map((r) => ({
      pid: n(r.pid),
      relation: r.relation ?? null,
      index: r.index ?? null,
      phase: String(r.phase),
      blocksDone: n(r.blocks_done),
      blocksTotal: n(r.blocks_total),
      tuplesDone: n(r.tuples_done),
      tuplesTotal: n(r.tuples_total),
    })),
    replicas: replicas.map((r) => ({ name: r.name, state: r.state, replayLagSeconds: r.lag })),
    unusedIndexes: unused.rows.map((r) => ({
      table: r.table,
      index: r.index,
      sizeBytes: n(r.size),
      scans: n(r.scans),
    })),
    statements: await topStatements(client),
  }
}

async function topStatements(client: pg.Client): Promise<DatabaseSample['statements']> {
  const installed = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`)
  if (!installed.rowCount)
    return {
      available: false,
      reason:
        'pg_stat_statements is not installed in this database: add it to shared_preload_libraries (a restart), then CREATE EXTENSION pg_stat_statements.',
    }
  try {
    const { rows } = await client.query<{ query: string; calls: string; total: number; mean: number; rows: string }>(
      `SELECT s.query, s.calls, s.total_exec_time AS total, s.mean_exec_time AS mean, s.rows
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database()
        ORDER BY s.total_exec_time DESC LIMIT 10`,
    )
    return {
      available: true,
      top: rows.map((r) => ({
        query: r.query,
        calls: n(r.calls),
        totalMs: n(r.total),
        meanMs: n(r.mean),
        rows: n(r.rows),
      })),
    }
  } catch (error) {
    return { available: false, reason: `pg_stat_statements cannot be read: ${(error as Error).message}` }
  }
}

/** What happened between two samples: per-second rates, and the cache hit ratio of the blocks read meanwhile. */
export function rates(previous: DatabaseSample, next: DatabaseSample): Rates {
  const seconds = Math.max(0.001, (Date.parse(next.at) - Date.parse(previous.at)) / 1000)
  const delta = (key: keyof DatabaseCounters) => Math.max(0, next.counters[key] - previous.counters[key])
  const read = delta('blocksRead')
  const hit = delta('blocksHit')
  return {
    seconds,
    commitsPerSecond: delta('commits') / seconds,
    rollbacksPerSecond: delta('rollbacks') / seconds,
    cacheHitRatio: read + hit ? hit / (read + hit) : null,
    deadlocks: delta('deadlocks'),
    tempBytesPerSecond: delta('tempBytes') / seconds,
  }
}
