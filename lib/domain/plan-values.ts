import type {
  Comparator,
  CriterionStatus,
  PlanStatus,
  RiskImpact,
  RiskLikelihood,
  RiskStatus,
} from '@/lib/generated/prisma/enums'

// The values of the plan workspace's enums, in display order, for both the server and the forms.

export const PLAN_STATUSES = [
  'DRAFT',
  'ACTIVE',
  'COMPLETED',
  'ROLLED_BACK',
  'ARCHIVED',
] as const satisfies readonly PlanStatus[]
export const IMPACTS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const satisfies readonly RiskImpact[]
export const LIKELIHOODS = [
  'RARE',
  'UNLIKELY',
  'POSSIBLE',
  'LIKELY',
  'ALMOST_CERTAIN',
] as const satisfies readonly RiskLikelihood[]
export const RISK_STATUSES = ['OPEN', 'MITIGATED', 'ACCEPTED', 'CLOSED'] as const satisfies readonly RiskStatus[]
export const CRITERION_STATUSES = ['PENDING', 'MET', 'NOT_MET'] as const satisfies readonly CriterionStatus[]
export const COMPARATORS = ['GT', 'GTE', 'LT', 'LTE'] as const satisfies readonly Comparator[]

export const IMPACT_LABELS: Record<RiskImpact, string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  CRITICAL: 'Critical',
}
export const LIKELIHOOD_LABELS: Record<RiskLikelihood, string> = {
  RARE: 'Rare',
  UNLIKELY: 'Unlikely',
  POSSIBLE: 'Possible',
  LIKELY: 'Likely',
  ALMOST_CERTAIN: 'Almost certain',
}
export const COMPARATOR_SYMBOLS: Record<Comparator, string> = { GT: '>', GTE: '≥', LT: '<', LTE: '≤' }
