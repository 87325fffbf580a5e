/** A plan's overall status in its report (decided in lib/server/reports/rules.ts). */
export const REPORT_STATUSES = ['ON_TRACK', 'AT_RISK', 'BLOCKED', 'DONE', 'ROLLED_BACK'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = { ON_TRACK: 'On track', AT_RISK: 'At risk', BLOCKED: 'Blocked', DONE: 'Done', ROLLED_BACK: 'Rolled back' }
