import type {
  CriterionStatus,
  PlanStatus,
  RiskImpact,
  RiskLikelihood,
  RiskStatus,
  RunStatus,
} from '@/lib/generated/prisma/enums'
import type { ReportStatus } from '@/lib/domain/report-values'
import { riskScore, riskSeverity } from '@/lib/server/plans/rules'
import type { PhaseStatus } from '@/lib/domain/progress'
import { UNRESOLVED_RUN_STATES } from '@/lib/domain/states/run'

// A plan's overall status for its report, from the facts – each rule documented, each with its reasons:
//
//   ROLLED_BACK  the plan was marked rolled back.
//   DONE         the plan was marked completed, or every phase is done and no success criterion is unmet
//                or still pending.
//   BLOCKED      a phase is blocked, or the latest run of a phase on an environment failed (or its rollback
//                failed) and nobody has resolved it since.
//   AT_RISK      a phase is overdue (its planned end has passed and it is not done), an open risk is
//                critical (impact × likelihood ≥ 15, or impact CRITICAL), or a success criterion is not met.
//   ON_TRACK     none of the above.
//
// The first rule that holds decides the status; the reasons list every rule that holds, so a blocked plan
// with an overdue phase says both.

export type { ReportStatus }

export type StatusFacts = {
  planStatus: PlanStatus
  /** The day the report is about, YYYY-MM-DD (UTC). */
  today: string
  phases: { name: string; status: PhaseStatus; blockedReason: string | null; plannedEnd: string | null }[]
  risks: { title: string; impact: RiskImpact | null; likelihood: RiskLikelihood | null; status: RiskStatus }[]
  /** The latest run of each phase on each environment. */
  latestRuns: { phaseName: string; environmentName: string; status: RunStatus }[]
  criteria: { text: string; status: CriterionStatus }[]
}

export type StatusVerdict = { status: ReportStatus; reasons: string[] }

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000,
  )
}

export const isCriticalRisk = (r: StatusFacts['risks'][number]) => {
  if (r.status !== 'OPEN') return false
  const score = riskScore(r.impact, r.likelihood)
  return r.impact === 'CRITICAL' || (score !== null && riskSeverity(score) === 'critical')
}

export function reportStatus(facts: StatusFacts): StatusVerdict {
  const blocked: string[] = []
  const atRisk: string[] = []
  for (const p of facts.phases) {
    if (p.status === 'BLOCKED')
      blocked.push(`Phase “${p.name}” is blocked${p.blockedReason ? `: ${p.blockedReason}` : ''}.`)
    if (p.status !== 'DONE' && p.plannedEnd && p.plannedEnd < facts.today) {
      const late = daysBetween(p.plannedEnd, facts.today)
      atRisk.push(
        `Phase “${p.name}” is overdue by ${late} day${late === 1 ? '' : 's'} (planned to end ${p.plannedEnd}).`,
      )
    }
  }
  for (const r of facts.latestRuns.filter((run) => UNRESOLVED_RUN_STATES.includes(run.status))) {
    blocked.push(
      `The last run of “${r.phaseName}” on ${r.environmentName} ${r.status === 'FAILED' ? 'failed' : 'failed to roll back'} and is not resolved.`,
    )
  }
  for (const r of facts.risks.filter(isCriticalRisk)) atRisk.push(`Risk “${r.title}” is open and critical.`)
  for (const c of facts.criteria.filter((criterion) => criterion.status === 'NOT_MET'))
    atRisk.push(`Success criterion “${c.text}” is not met.`)

  if (facts.planStatus === 'ROLLED_BACK') return { status: 'ROLLED_BACK', reasons: ['The plan was rolled back.'] }
  const allDone = facts.phases.length > 0 && facts.phases.every((p) => p.status === 'DONE')
  const criteriaSettled = facts.criteria.every((c) => c.status === 'MET')
  if (facts.planStatus === 'COMPLETED')
    return { status: 'DONE', reasons: ['The plan was marked completed.', ...atRisk] }
  if (allDone && criteriaSettled)
    return {
      status: 'DONE',
      reasons: [`Every phase is done${facts.criteria.length ? ' and every success criterion is met' : ''}.`],
    }
  if (blocked.length) return { status: 'BLOCKED', reasons: [...blocked, ...atRisk] }
  if (atRisk.length) return { status: 'AT_RISK', reasons: atRisk }
  const pending = facts.criteria.filter((c) => c.status === 'PENDING').length
  return {
    status: 'ON_TRACK',
    reasons: [
      allDone
        ? `Every phase is done; ${pending} success criteri${pending === 1 ? 'on is' : 'a are'} still to be decided.`
        : 'No phase is blocked or overdue, no run failed, no open critical risk, no unmet criterion.',
    ],
  }
}
