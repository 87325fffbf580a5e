import { StatusBadge } from '@/components/ui/status-badge'
import type { BadgeTone } from '@/components/ui/badge'
import type { DriftStatus } from '@/lib/generated/prisma/enums'

const LOOKS: Record<DriftStatus, { tone: BadgeTone; glyph: string; label: string }> = {
  QUEUED: { tone: 'neutral', glyph: '…', label: 'queued' },
  RUNNING: { tone: 'info', glyph: '↻', label: 'checking' },
  RECORDED: { tone: 'neutral', glyph: '◉', label: 'schema recorded' },
  CLEAN: { tone: 'success', glyph: '✓', label: 'no drift' },
  DRIFTED: { tone: 'warning', glyph: '≠', label: 'drifted' },
  FAILED: { tone: 'danger', glyph: '✕', label: 'check failed' },
}

/** The one badge of a drift check's state. */
export function DriftStatusBadge({ status }: { status: DriftStatus }) {
  const look = LOOKS[status]
  return <StatusBadge {...look} srPrefix="Drift check:" testId="drift-status" />
}
