import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { RehearsalStatus } from '@/lib/generated/prisma/enums'

const LABELS: Record<RehearsalStatus, [string, BadgeTone, string]> = {
  QUEUED: ['Queued', 'neutral', '…'],
  RUNNING: ['Rehearsing', 'info', '▶'],
  IDENTICAL: ['Identical', 'success', '✓'],
  DIFFERENT: ['Differences', 'danger', '≠'],
  FAILED: ['Failed', 'danger', '✗'],
}

/** A rollback rehearsal's state: icon, word, colour (never colour alone). */
export function RehearsalStatusBadge({ status }: { status: RehearsalStatus }) {
  const [label, tone, glyph] = LABELS[status]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix="Rehearsal:" />
}
