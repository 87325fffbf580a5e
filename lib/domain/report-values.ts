/** A plan's overall status in its report (decided in lib/server/reports/rules.ts). */
export const REPORT_STATUSES = ['ON_TRACK', 'AT_RISK', 'BLOCKED', 'DONE', 'ROLLED_BACK'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  ON_TRACK: 'On track',
  AT_RISK: 'At risk',
  BLOCKED: 'Blocked',
  DONE: 'Done',
  ROLLED_BACK: 'Rolled back',
}

/** A risk the report lists as open: still open, or accepted (it can still happen). Mitigated and closed ones are not. */
export const isOpenRisk = (r: { status: string }) => r.status === 'OPEN' || r.status === 'ACCEPTED'

/** How bad a status is, to tell a change for the better from one for the worse. */
export const REPORT_STATUS_SEVERITY: Record<ReportStatus, number> = {
  DONE: 0,
  ON_TRACK: 1,
  AT_RISK: 2,
  BLOCKED: 3,
  ROLLED_BACK: 3,
}
