import type { DatabaseSample, Rates, SyncLag } from './monitor-sample'

// The measurable metrics of a connection, as rollback triggers name them and the monitoring view charts
// them: each one read from a stored metric sample (rates from the difference with the previous sample).

export const METRICS = {
  error_rate_percent: {
    label: 'Error rate',
    unit: '%',
    help: 'rolled back transactions out of all transactions since the previous sample',
  },
  rollbacks_per_second: { label: 'Rollbacks per second', unit: '/s', help: 'transactions rolled back per second' },
  commits_per_second: { label: 'Commits per second', unit: '/s', help: 'transactions committed per second' },
  connections: { label: 'Connections', unit: '', help: 'backends connected to the database' },
  active_sessions: { label: 'Active sessions', unit: '', help: 'sessions running a statement' },
  blocked_sessions: {
    label: 'Sessions waiting for a lock',
    unit: '',
    help: 'sessions waiting for a lock another session holds',
  },
  idle_in_transaction: { label: 'Idle in transaction', unit: '', help: 'sessions idle inside an open transaction' },
  longest_query_seconds: { label: 'Longest running query', unit: 's', help: 'age of the oldest running statement' },
  longest_transaction_seconds: { label: 'Longest transaction', unit: 's', help: 'age of the oldest open transaction' },
  cache_hit_percent: {
    label: 'Cache hit ratio',
    unit: '%',
    help: 'blocks found in shared buffers out of all blocks read since the previous sample',
  },
  deadlocks: { label: 'Deadlocks', unit: '', help: 'deadlocks since the previous sample' },
  temp_mb_per_second: { label: 'Temporary files', unit: 'MB/s', help: 'bytes written to temporary files per second' },
  replication_lag_seconds: { label: 'Replication lag', unit: 's', help: 'largest replay lag of the standbys' },
  sync_lag_seconds: {
    label: 'Sync lag',
    unit: 's',
    help: 'how far the slowest sync into this database is behind its source',
  },
  database_size_mb: { label: 'Database size', unit: 'MB', help: 'size of the database on disk' },
} as const

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]
export type MetricValues = Partial<Record<MetricName, number>>

export const isMetricName = (name: string | null | undefined): name is MetricName =>
  !!name && Object.hasOwn(METRICS, name)

const MB = 1024 * 1024

/** What the metrics are read from: a stored sample's figures (not its lists of sessions or statements). */
export type MetricSource =
  | {
      kind: 'postgres'
      sample: Pick<DatabaseSample, 'counters' | 'activity' | 'replicas'>
      rates: Rates | null
      sync?: SyncLag | null
    }
  | { kind: 'sqlite'; sizeBytes: number }

function postgresValues({ sample, rates, sync }: Extract<MetricSource, { kind: 'postgres' }>): MetricValues {
  const values: MetricValues = {
    connections: sample.counters.backends,
    active_sessions: sample.activity.active,
    blocked_sessions: sample.activity.waiting,
    idle_in_transaction: sample.activity.idleInTransaction,
    longest_query_seconds: sample.activity.longestQuerySeconds,
    longest_transaction_seconds: sample.activity.longestTransactionSeconds,
    database_size_mb: sample.counters.sizeBytes / MB,
  }
  const lags = sample.replicas.map((r) => r.replayLagSeconds).filter((l): l is number => l !== null)
  if (lags.length) values.replication_lag_seconds = Math.max(...lags)
  // Only while a sync follows into the database: a rollback trigger on it reads nothing otherwise.
  if (sync) values.sync_lag_seconds = sync.lagSeconds
  // Rates need a previous sample: the first sample after a start or an outage has none.
  if (rates) {
    const transactions = rates.commitsPerSecond + rates.rollbacksPerSecond
    values.error_rate_percent = transactions ? (100 * rates.rollbacksPerSecond) / transactions : 0
    values.rollbacks_per_second = rates.rollbacksPerSecond
    values.commits_per_second = rates.commitsPerSecond
    values.deadlocks = rates.deadlocks
    values.temp_mb_per_second = rates.tempBytesPerSecond / MB
    if (rates.cacheHitRatio !== null) values.cache_hit_percent = 100 * rates.cacheHitRatio
  }
  return values
}

/** The metrics one stored sample measures (SQLite files: their size only). */
export function metricValuesOf(data: MetricSource): MetricValues {
  return data.kind === 'postgres' ? postgresValues(data) : { database_size_mb: data.sizeBytes / MB }
}

/** A metric's value with its unit, e.g. "4.2 %", "12 /s", "3 s". */
export function formatMetric(name: MetricName, value: number): string {
  const unit = METRICS[name].unit
  const digits = Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  const text = value.toLocaleString('en', { maximumFractionDigits: digits })
  return unit ? `${text} ${unit}` : text
}
