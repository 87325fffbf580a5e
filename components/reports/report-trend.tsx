'use client'

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { SnapshotPointDTO } from '@/lib/server/reports/history'

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
// Series colours reach 4.5:1 on white: the legend's swatches and the bars must be told apart by people with low vision.
const SERIES: Record<string, string> = {
  progress: 'Progress (%)',
  openRisks: 'Open risks',
  risksOpened: 'Risks opened',
  risksClosed: 'Risks closed',
}
// Legend and tooltip in the order above (recharts sorts them alphabetically otherwise).
const order = (item: { dataKey?: unknown }) => Object.keys(SERIES).indexOf(String(item.dataKey))

/** Progress and the risk register over time, one point per snapshot and one for now. */
export function ReportTrend({
  points,
  now,
}: {
  points: SnapshotPointDTO[]
  now: { at: string; progress: number; openRisks: number }
}) {
  const data = [
    ...points.map((p) => ({
      at: Date.parse(p.takenAt),
      progress: p.progress,
      openRisks: p.openRisks,
      risksOpened: p.risksOpened,
      risksClosed: -p.risksClosed,
    })),
    { at: Date.parse(now.at), progress: now.progress, openRisks: now.openRisks, risksOpened: null, risksClosed: null },
  ]
  return (
    <figure
      className="rounded-lg border border-zinc-200 bg-white p-3 print:border-0 print:p-0"
      data-testid="report-trend"
      data-points={points.length}
      aria-label="Progress and risks over time"
    >
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="#f4f4f5" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={day}
              tick={{ fontSize: 10 }}
              minTickGap={48}
            />
            <YAxis yAxisId="progress" domain={[0, 100]} tick={{ fontSize: 10 }} width={44} unit="%" />
            <YAxis yAxisId="risks" orientation="right" tick={{ fontSize: 10 }} width={32} allowDecimals={false} />
            <Tooltip
              itemSorter={order}
              labelFormatter={(v) => day(Number(v))}
              formatter={(v, name) => [Math.abs(Number(v)), SERIES[String(name)] ?? String(name)]}
            />
            <Legend
              itemSorter={order}
              formatter={(name) => <span className="text-zinc-700">{SERIES[String(name)] ?? String(name)}</span>}
              wrapperStyle={{ fontSize: 11 }}
            />
            <Bar yAxisId="risks" dataKey="risksOpened" fill="#dc2626" isAnimationActive={false} maxBarSize={8} />
            <Bar yAxisId="risks" dataKey="risksClosed" fill="#047857" isAnimationActive={false} maxBarSize={8} />
            <Line
              yAxisId="risks"
              dataKey="openRisks"
              type="stepAfter"
              stroke="#991b1b"
              dot={false}
              strokeWidth={1.25}
              isAnimationActive={false}
            />
            <Line
              yAxisId="progress"
              dataKey="progress"
              type="linear"
              stroke="#4f46e5"
              dot={points.length < 40}
              strokeWidth={2}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  )
}
