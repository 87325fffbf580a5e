import Link from 'next/link'
import type { PlanHealthDTO } from '@/lib/server/monitoring/queries'
import { HealthBadge } from './health-badge'

/** The plan's health on each target sampled lately, its reasons, and where to watch it. */
export function PlanHealth({
  health,
  canMonitorConnections,
}: {
  health: PlanHealthDTO
  canMonitorConnections: boolean
}) {
  if (!health.length) return null
  return (
    <ul className="mt-2 space-y-1 text-sm" aria-label="Health" data-testid="plan-health">
      {health.map((h) => {
        const href = h.runId
          ? `/runs/${h.runId}/monitor`
          : canMonitorConnections
            ? `/connections/${h.connectionId}/monitor`
            : null
        return (
          <li key={h.connectionId} className="flex flex-wrap items-center gap-2">
            <HealthBadge health={h.health.health} what={`Health on ${h.environmentName}`} />
            <span>on {h.environmentName}</span>
            {h.health.reasons.length ? (
              <span className="text-zinc-600">– {h.health.reasons.join(' ')}</span>
            ) : (
              <span className="text-zinc-500">– no rollback trigger breached</span>
            )}
            {href ? (
              <Link href={href} className="text-indigo-700 underline hover:no-underline">
                Monitoring
              </Link>
            ) : null}
          </li>
        )
      })}
    </ul>
  )
}
