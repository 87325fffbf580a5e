import { db } from '@/lib/db'
import type { SeriesPoint } from '@/lib/domain/health'
import { metricValuesOf, type MetricSource } from '@/lib/domain/metrics'
import type { SampleData } from './sampler'

// Stored samples read back as a time series of metric values. Only each sample's figures leave the
// database (its lists of sessions and statements stay there): a live view polls this every 2 seconds.

const MAX_POINTS = 600

type Row = { at: Date; ok: boolean; error: string | null; kind: string | null; counters: unknown; activity: unknown; replicas: unknown; rates: unknown; sizeBytes: number | null }

function sourceOf(row: Row): MetricSource | null {
  if (row.kind === 'postgres') return { kind: 'postgres', sample: { counters: row.counters, activity: row.activity, replicas: row.replicas ?? [] } as Extract<MetricSource, { kind: 'postgres' }>['sample'], rates: (row.rates ?? null) as Extract<MetricSource, { kind: 'postgres' }>['rates'] }
  if (row.kind === 'sqlite') return { kind: 'sqlite', sizeBytes: Number(row.sizeBytes ?? 0) }
  return null
}

/** A connection's samples from `from` to `to`, oldest first, thinned evenly to at most `maxPoints` (charts: 600). */
export async function loadSeries(connectionId: string, from: Date, to: Date = new Date(), maxPoints = MAX_POINTS): Promise<SeriesPoint[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT "at", "ok", "error", "data"->>'kind' AS kind, "data"->'sample'->'counters' AS counters, "data"->'sample'->'activity' AS activity,
           "data"->'sample'->'replicas' AS replicas, "data"->'rates' AS rates, ("data"->>'sizeBytes')::float8 AS "sizeBytes"
      FROM "MetricSample"
     WHERE "connectionId" = ${connectionId}::uuid AND "at" >= ${from} AND "at" <= ${to}
     ORDER BY "at"`
  const every = Math.ceil(rows.length / maxPoints)
  // Thinning keeps the newest sample: the live value and the health's latest state come from it.
  const kept = every > 1 ? rows.filter((_, i) => (rows.length - 1 - i) % every === 0) : rows
  return kept.map((row) => {
    const source = row.ok ? sourceOf(row) : null
    return { at: row.at.getTime(), ok: row.ok, error: row.error, values: source ? metricValuesOf(source) : {} }
  })
}

/** A connection's newest successful sample, whole (sessions, locks, progress, statements), and when it was taken. */
export async function latestSample(connectionId: string, notBefore?: Date): Promise<{ at: Date; data: SampleData } | null> {
  const row = await db.metricSample.findFirst({ where: { connectionId, ok: true, ...(notBefore ? { at: { gte: notBefore } } : {}) }, orderBy: { at: 'desc' }, select: { at: true, data: true } })
  return row?.data ? { at: row.at, data: row.data as unknown as SampleData } : null
}
