import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import { REPORT_STATUS_LABELS, type ReportStatus } from '@/lib/domain/report-values'

const LOOK: Record<ReportStatus, [BadgeTone, string]> = {
  ON_TRACK: ['success', '●'],
  AT_RISK: ['warning', '▲'],
  BLOCKED: ['danger', '■'],
  DONE: ['success', '✓'],
  ROLLED_BACK: ['neutral', '↺'],
}

/** The one badge of a plan's report status. */
export function ReportStatusBadge({ status, testId }: { status: ReportStatus; testId?: string }) {
  const [tone, glyph] = LOOK[status]
  return (
    <StatusBadge
      tone={tone}
      glyph={glyph}
      label={REPORT_STATUS_LABELS[status]}
      srPrefix="Report status:"
      testId={testId}
    />
  )
}
