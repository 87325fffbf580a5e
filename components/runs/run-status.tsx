import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'

const LABELS: Record<string, [string, BadgeTone, string]> = {
  QUEUED: ['Queued', 'neutral', '…'],
  RUNNING: ['Running', 'info', '▶'],
  WAITING: ['Waiting', 'warning', '‖'],
  PENDING: ['Pending', 'neutral', '·'],
  SUCCEEDED: ['Succeeded', 'success', '✓'],
  FAILED: ['Failed', 'danger', '✗'],
  CANCELLED: ['Cancelled', 'neutral', '⊘'],
  SKIPPED: ['Skipped', 'neutral', '↷'],
  ROLLING_BACK: ['Rolling back', 'warning', '↺'],
  ROLLED_BACK: ['Rolled back', 'warning', '↺'],
  ROLLBACK_FAILED: ['Rollback failed', 'danger', '✗'],
  INTERRUPTED: ['Interrupted', 'warning', '!'],
}

/** A run's or a step's state: icon, word, colour (never colour alone). */
export function RunStatusBadge({ status, what = 'Run' }: { status: string; what?: string }) {
  const [label, tone, glyph] = LABELS[status] ?? [status, 'neutral', '?']
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix={`${what} status:`} />
}
