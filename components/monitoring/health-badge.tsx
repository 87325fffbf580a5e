import { Badge, type BadgeTone } from '@/components/ui/badge'
import type { Health } from '@/lib/domain/health'

const LOOK: Record<Health, [string, BadgeTone, string]> = {
  HEALTHY: ['Healthy', 'success', '●'],
  DEGRADED: ['Degraded', 'warning', '▲'],
  FAILING: ['Failing', 'danger', '✕'],
}

/** The one status badge of health (rollback triggers against the samples). */
export function HealthBadge({ health, what = 'Health' }: { health: Health; what?: string }) {
  const [label, tone, icon] = LOOK[health]
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className="mr-1">
        {icon}
      </span>
      <span className="sr-only">{what}: </span>
      <span data-testid="health">{label}</span>
    </Badge>
  )
}
