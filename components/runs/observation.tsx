import Link from 'next/link'
import { HealthBadge } from '@/components/monitoring/health-badge'
import { ProgressBar } from '@/components/ui/progress-bar'
import { formatDuration } from '@/lib/domain/words'
import type { ObserveDetail } from '@/lib/domain/step-details'

/** An observe step on the run page: how far the observation is, the health it sees, and why. */
export function Observation({
  runId,
  observe,
  running,
  finishedAt,
}: {
  runId: string
  observe: ObserveDetail
  running: boolean
  finishedAt: string | null
}) {
  // As of the step's last evaluation (every 2 seconds while it runs): a render must not read the clock.
  const until = finishedAt ? Date.parse(finishedAt) : Date.parse(observe.evaluatedAt ?? observe.startedAt)
  const elapsed = Math.min(observe.seconds, Math.max(0, Math.round((until - Date.parse(observe.startedAt)) / 1000)))
  return (
    <div className="w-full space-y-1 text-xs" data-testid="observation">
      <p className="flex flex-wrap items-center gap-2">
        <HealthBadge health={observe.health} what="Observed health" />
        <span>
          {running ? 'Watching' : 'Watched'} the target: {formatDuration(elapsed)} of {formatDuration(observe.seconds)}{' '}
          · {observe.samples} samples ·{' '}
          {observe.rollback === 'start'
            ? 'a fired trigger starts the rollback'
            : 'a fired trigger fails the step; a DBA decides on the rollback'}
        </span>
        <Link href={`/runs/${runId}/monitor`} className="text-indigo-700 underline hover:no-underline">
          Watch live
        </Link>
      </p>
      {running ? <ProgressBar value={(100 * elapsed) / observe.seconds} label="Observation" /> : null}
      {observe.reasons.length ? (
        <ul className="list-disc pl-5 text-zinc-700">
          {observe.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
