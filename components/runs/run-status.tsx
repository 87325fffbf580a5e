import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { RunStatus, StepRunStatus } from '@/lib/generated/prisma/enums'

type Look = [label: string, tone: BadgeTone, glyph: string]

// Keyed by the enums, so a new run or step state does not compile until it has its look here.
const RUN: Record<RunStatus, Look> = {
  QUEUED: ['Queued', 'neutral', '…'],
  RUNNING: ['Running', 'info', '▶'],
  WAITING: ['Waiting', 'warning', '‖'],
  SUCCEEDED: ['Succeeded', 'success', '✓'],
  FAILED: ['Failed', 'danger', '✗'],
  CANCELLED: ['Cancelled', 'neutral', '⊘'],
  ROLLING_BACK: ['Rolling back', 'warning', '↺'],
  ROLLED_BACK: ['Rolled back', 'warning', '↺'],
  ROLLBACK_FAILED: ['Rollback failed', 'danger', '✗'],
  INTERRUPTED: ['Interrupted', 'warning', '!'],
}

const STEP: Record<StepRunStatus, Look> = {
  PENDING: ['Pending', 'neutral', '·'],
  RUNNING: RUN.RUNNING,
  WAITING: RUN.WAITING,
  SUCCEEDED: RUN.SUCCEEDED,
  FAILED: RUN.FAILED,
  SKIPPED: ['Skipped', 'neutral', '↷'],
  CANCELLED: RUN.CANCELLED,
  ROLLED_BACK: RUN.ROLLED_BACK,
}

/** A run's state: icon, word, colour (never colour alone). */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  const [label, tone, glyph] = RUN[status]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix="Run status:" />
}

/** A step run's state, as a run's is shown. */
export function StepStatusBadge({ status }: { status: StepRunStatus }) {
  const [label, tone, glyph] = STEP[status]
  return <StatusBadge tone={tone} glyph={glyph} label={label} srPrefix="Step status:" />
}
