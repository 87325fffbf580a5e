import { db } from '@/lib/db'
import type { SeriesPoint } from '@/lib/domain/health'
import { metricValuesOf, type MetricSource } from '@/lib/domain/metrics'
import { parseSampleData, type SampleData } from '@/lib/domain/monitor-sample'

// Stored samples read back as a time series of metric values. Only each sample's figures leave the
// database (its lists of sessions and statements stay there): a live view polls this every 2 seconds.

const MAX_POINTS = 600

type Row = {
  at: Date
  ok: boolean
  error: string | null
  kind: string | null
  counters: unknown
  activity: unknown
  replicas: unknown
  rates: unknown
  sync: unknown
  sizeBytes: number | null
}

function sourceOf(row: Row): MetricSource | null {
  if (row.kind === 'postgres')
    return {
      kind: 'postgres',
      sample: { counters: row.counters, activity: row.activity, replicas: row.replicas ?? [] } as Extract<
        MetricSource,
        { kind: 'postgres' }
      >['sample'],
      rates: (row.rates ?? null) as Extract<MetricSource, { kind: 'postgres' }>['rates'],
      sync: (row.sync ?? null) as Extract<MetricSource, { kind: 'postgres' }>['sync'],
    }
  if (row.kind === 'sqlite') return { kind: 'sqlite', sizeBytes: Number(row.sizeBytes ?? 0) }
  return null
}

/** A connection's samples from `from` to `to`, oldest first. */
export async function loadSeries(connectionId: string, from: Date, to: Date = new Date()): Promise<SeriesPoint[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT "at", "ok", "error", "data"->>'kind' AS kind, "data"->'sample'->'counters' AS counters, "data"->'sample'->'activity' AS activity,
           "data"->'sample'->'replicas' AS replicas, "data"->'rates' AS rates, "data"->'sync' AS sync, ("data"->>'sizeBytes')::float8 AS "sizeBytes"
      FROM "MetricSample"
     WHERE "connectionId" = ${connectionId}::uuid AND "at" >= ${from} AND "at" <= ${to}
     ORDER BY "at"`
  return rows.map((row) => {
    const source = row.ok ? sourceOf(row) : null
    return { at: row.at.getTime(), ok: row.ok, error: row.error, values: source ? metricValuesOf(source) : {} }
  })
}

/**
 * Points thinned evenly to at most `max` for a chart (never for judging health: a dropped dip would make a
 * breach look sustained). The newest point is always kept: the live value comes from it.
 */
export function thin<T>(points: readonly T[], max = MAX_POINTS): T[] {
  const every = Math.ceil(points.length / max)
  return every > 1 ? points.filter((_, i) => (points.length - 1 - i) % every === 0) : [...points]
}

/** A connection's newest successful sample, whole (sessions, locks, progress, statements), and when it was taken. */
export async function latestSample(
  connectionId: string,
  notBefore?: Date,
): Promise<{ at: Date; data: SampleData } | null> {
  const row = await db.metricSample.findFirst({
    where: { connectionId, ok: true, ...(notBefore ? { at: { gte: notBefore } } : {}) },
    orderBy: { at: 'desc' },
    select: { at: true, data: true },
  })
  const data = row ? parseSampleData(row.data, row.at) : null
  return row && data ? { at: row.at, data } : null
}
