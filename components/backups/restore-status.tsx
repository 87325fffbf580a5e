import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { RestoreStatus } from '@/lib/generated/prisma/enums'

const LABELS: Record<RestoreStatus, [string, BadgeTone, string]> = {
  QUEUED: ['Queued', 'neutral', '…'],
  RUNNING: ['Restoring', 'info', '▶'],
  SUCCEEDED: ['Restored', 'success', '✓'],
  FAILED: ['Failed', 'danger', '✗'],
}

/** A restore's state: icon, word, colour (never colour alone). */
export function RestoreStatusBadge({ status }: { status: RestoreStatus }) {
  const [label, tone, glyph] = LABELS[status]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix="Restore status:" />
}
