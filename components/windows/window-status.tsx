import { Badge, type BadgeTone } from '@/components/ui/badge'
import type { WindowState } from '@/lib/server/windows/rules'

// A window is shown by its state now (lib/server/windows/rules.ts): its status with the clock applied, so an
// approved window reads upcoming, active or past. Keyed by that union: a new state does not compile without a look.
const STATE: Record<WindowState, [string, BadgeTone]> = {
  PENDING: ['Awaiting approval', 'warning'],
  UPCOMING: ['Approved', 'info'],
  ACTIVE: ['Active now', 'success'],
  PAST: ['Past', 'neutral'],
  REJECTED: ['Rejected', 'danger'],
  CANCELLED: ['Cancelled', 'neutral'],
  EXPIRED: ['Expired', 'neutral'],
}

/** A maintenance window's state: word and colour, and what it is the state of for screen readers. */
export function WindowStatusBadge({ state }: { state: WindowState }) {
  const [label, tone] = STATE[state]
  return (
    <Badge tone={tone}>
      <span className="sr-only">Window status: </span>
      {label}
    </Badge>
  )
}
