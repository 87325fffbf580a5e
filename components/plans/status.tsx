import type { BadgeTone } from '@/components/ui/badge'
import { StatusBadge } from '@/components/ui/status-badge'
import type { PlanStatus, RiskStatus } from '@/lib/generated/prisma/enums'
import type { PhaseStatus } from '@/lib/domain/progress'

// One canonical presentation per state machine: glyph, colour and an accessible label.

const PLAN: Record<PlanStatus, { label: string; glyph: string; tone: BadgeTone }> = {
  DRAFT: { label: 'Draft', glyph: '○', tone: 'neutral' },
  ACTIVE: { label: 'Active', glyph: '▶', tone: 'info' },
  COMPLETED: { label: 'Completed', glyph: '✓', tone: 'success' },
  ROLLED_BACK: { label: 'Rolled back', glyph: '↺', tone: 'warning' },
  ARCHIVED: { label: 'Archived', glyph: '▪', tone: 'neutral' },
}

const PHASE: Record<PhaseStatus, { label: string; glyph: string; tone: BadgeTone }> = {
  NOT_STARTED: { label: 'Not started', glyph: '○', tone: 'neutral' },
  IN_PROGRESS: { label: 'In progress', glyph: '◐', tone: 'info' },
  FAILED: { label: 'Run failed', glyph: '✕', tone: 'danger' },
  DONE: { label: 'Done', glyph: '✓', tone: 'success' },
  BLOCKED: { label: 'Blocked', glyph: '■', tone: 'danger' },
}

const RISK: Record<RiskStatus, { label: string; glyph: string; tone: BadgeTone }> = {
  OPEN: { label: 'Open', glyph: '!', tone: 'warning' },
  MITIGATED: { label: 'Mitigated', glyph: '✓', tone: 'success' },
  ACCEPTED: { label: 'Accepted', glyph: '≈', tone: 'neutral' },
  CLOSED: { label: 'Closed', glyph: '▪', tone: 'neutral' },
}

const labelsOf = <K extends string>(table: Record<K, { label: string }>) =>
  Object.fromEntries(Object.entries<{ label: string }>(table).map(([k, v]) => [k, v.label])) as Record<K, string>

export const PLAN_STATUS_LABELS = labelsOf(PLAN)
export const RISK_STATUS_LABELS = labelsOf(RISK)

const Status = ({ entry, kind }: { entry: { label: string; glyph: string; tone: BadgeTone }; kind: string }) => (
  <StatusBadge tone={entry.tone} glyph={entry.glyph} label={entry.label} srPrefix={`${kind} status:`} />
)

export const PlanStatusBadge = ({ status }: { status: PlanStatus }) => <Status entry={PLAN[status]} kind="Plan" />
export const PhaseStatusBadge = ({ status }: { status: PhaseStatus }) => <Status entry={PHASE[status]} kind="Phase" />
export const RiskStatusBadge = ({ status }: { status: RiskStatus }) => <Status entry={RISK[status]} kind="Risk" />
