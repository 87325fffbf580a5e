import { Badge, type BadgeTone } from '@/components/ui/badge'
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
  const [tone, icon] = LOOK[status]
  const label = REPORT_STATUS_LABELS[status]
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className="mr-1">
        {icon}
      </span>
      <span className="sr-only">Report status: </span>
      <span data-testid={testId}>{label}</span>
    </Badge>
  )
}
