import type { PhaseSummaryDTO } from '@/lib/server/plans/queries'

const DAY = 86_400_000
const toDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`)

/** Phases with planned dates as bars on a calendar axis; today is marked and overdue phases stand out. */
export function Timeline({
  phases,
  today = new Date().toISOString().slice(0, 10),
}: {
  phases: PhaseSummaryDTO[]
  today?: string
}) {
  const dated = phases.filter((p): p is PhaseSummaryDTO & { plannedStart: string } => !!p.plannedStart)
  const undated = phases.filter((p) => !p.plannedStart)
  if (dated.length === 0) {
    return (
      <p className="text-sm text-zinc-500">
        Give phases planned dates to see them on a timeline
        {undated.some((p) => p.plannedLabel) ? ' (relative windows such as “Week 2” are listed with each phase)' : ''}.
      </p>
    )
  }
  const end = (p: PhaseSummaryDTO & { plannedStart: string }) => toDay(p.plannedEnd ?? p.plannedStart) + DAY
  const from = Math.min(...dated.map((p) => toDay(p.plannedStart)), toDay(today))
  const to = Math.max(...dated.map(end), toDay(today) + DAY)
  const span = to - from
  const pct = (t: number) => `${((100 * (t - from)) / span).toFixed(2)}%`
  const todayLeft = pct(toDay(today))
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <div className="mb-2 flex justify-between text-xs text-zinc-500">
        <span>{new Date(from).toISOString().slice(0, 10)}</span>
        <span>{new Date(to - DAY).toISOString().slice(0, 10)}</span>
      </div>
      <div className="relative">
        <div aria-hidden className="absolute top-0 bottom-0 z-10 w-px bg-indigo-500" style={{ left: todayLeft }} />
        <ol className="space-y-2" aria-label="Timeline of phases">
          {dated.map((phase) => {
            const slipped = phase.status !== 'DONE' && end(phase) <= toDay(today)
            return (
              <li key={phase.id} className="relative h-8" data-testid="timeline-bar">
                <div
                  className={`absolute flex h-8 items-center overflow-hidden rounded px-2 text-xs font-medium whitespace-nowrap ${slipped ? 'bg-red-100 text-red-800 ring-1 ring-red-300' : phase.status === 'DONE' ? 'bg-emerald-100 text-emerald-800' : 'bg-indigo-100 text-indigo-800'}`}
                  style={{
                    left: pct(toDay(phase.plannedStart)),
                    width: `${((100 * (end(phase) - toDay(phase.plannedStart))) / span).toFixed(2)}%`,
                    minWidth: '2rem',
                  }}
                  title={`${phase.name}: ${phase.plannedStart} → ${phase.plannedEnd ?? phase.plannedStart}${slipped ? ' – past its planned end' : ''}`}
                >
                  {phase.name}
                  {slipped ? ' · overdue' : ''}
                  <span className="sr-only">
                    {' '}
                    ({phase.plannedStart} to {phase.plannedEnd ?? phase.plannedStart})
                  </span>
                </div>
              </li>
            )
          })}
        </ol>
      </div>
      <p className="mt-3 flex items-center gap-2 text-xs text-zinc-500">
        <span aria-hidden className="inline-block h-3 w-px bg-indigo-500" /> Today ({today})
        {undated.length ? ` · ${undated.length} phase${undated.length === 1 ? '' : 's'} without dates` : ''}
      </p>
    </div>
  )
}
