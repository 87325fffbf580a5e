import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { Health } from '@/lib/domain/health'

const LOOK: Record<Health, [string, BadgeTone, string]> = {
  HEALTHY: ['Healthy', 'success', '●'],
  DEGRADED: ['Degraded', 'warning', '▲'],
  FAILING: ['Failing', 'danger', '✕'],
}

/** The one status badge of health (rollback triggers against the samples). */
export function HealthBadge({ health, what = 'Health' }: { health: Health; what?: string }) {
  const [label, tone, glyph] = LOOK[health]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix={`${what}:`} testId="health" />
}
