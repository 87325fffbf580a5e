'use client'

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatMetric, METRICS, type MetricName } from '@/lib/domain/metrics'
import type { MonitorDTO } from '@/lib/server/monitoring/queries'

const COLOURS = ['#4f46e5', '#dc2626', '#059669', '#d97706']
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19)

/**
 * A time-series chart of one or more metrics over the view's samples (a gap where a sample failed): a time
 * scale, straight lines between samples (no curve invents values between them), and the legend, the tooltip
 * and the caption's figures in the same order.
 */
export function MetricChart({
  title,
  metrics,
  points,
}: {
  title: string
  metrics: MetricName[]
  points: MonitorDTO['points']
}) {
  const data = points.map((p) => ({
    at: Date.parse(p.at),
    ...Object.fromEntries(metrics.map((m) => [m, p.ok ? (p.values[m] ?? null) : null])),
  }))
  const measured = data.filter((d) => metrics.some((m) => (d as Record<string, number | null>)[m] !== null))
  const last = measured.at(-1) as Record<string, number | null> | undefined
  return (
    <figure
      className="rounded-lg border border-zinc-200 bg-white p-3"
      data-testid="metric-chart"
      data-points={measured.length}
      data-last-at={last ? clock(last.at as number) : ''}
      aria-label={title}
    >
      <figcaption className="flex items-baseline justify-between gap-2 text-sm font-medium text-zinc-800">
        {title}
        <span className="text-xs font-normal text-zinc-500 tabular-nums">
          {last
            ? metrics
                .map((m) => (last[m] !== null && last[m] !== undefined ? formatMetric(m, last[m]) : '–'))
                .join(' · ')
            : 'no data yet'}
        </span>
      </figcaption>
      <div className="mt-2 h-40">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid stroke="#f4f4f5" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={clock}
              tick={{ fontSize: 10 }}
              minTickGap={40}
            />
            <YAxis tick={{ fontSize: 10 }} width={48} allowDecimals />
            <Tooltip
              itemSorter={(item) => metrics.indexOf(item.dataKey as MetricName)}
              labelFormatter={(v) => `${clock(Number(v))} UTC`}
              formatter={(v, name) => [formatMetric(name as MetricName, Number(v)), METRICS[name as MetricName].label]}
            />
            {metrics.length > 1 ? (
              <Legend
                itemSorter={(item) => metrics.indexOf(item.dataKey as MetricName)}
                formatter={(name) => METRICS[name as MetricName].label}
                wrapperStyle={{ fontSize: 11 }}
              />
            ) : null}
            {metrics.map((m, i) => (
              <Line
                key={m}
                dataKey={m}
                type="linear"
                stroke={COLOURS[i % COLOURS.length]}
                dot={false}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  )
}
