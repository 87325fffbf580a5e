import { driftedTargetsOf } from '@/lib/server/drift/queries'
import 'server-only'
import { db } from '@/lib/db'
import type {
  CriterionStatus,
  PlanStatus,
  RiskImpact,
  RiskLikelihood,
  RiskStatus,
  RunStatus,
  ValidationStatus,
  WindowStatus,
} from '@/lib/generated/prisma/enums'
import { parseValidationReport } from '@/lib/domain/validation-report'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { riskScore } from '@/lib/server/plans/rules'
import type { PhaseStatus } from '@/lib/domain/progress'
import { planFacts } from './facts'
import { daysBetween, isCriticalRisk, type StatusVerdict } from './rules'

// The status report of a plan, for every role: the facts at a glance and nothing else – no connection,
// no script, no secret. And the portfolio: every active plan in one table.

export type ReportDTO = {
  plan: { id: string; title: string; status: PlanStatus; ownerName: string; startDate: string | null }
  generatedAt: string
  verdict: StatusVerdict
  progress: number
  phases: {
    name: string
    status: PhaseStatus
    plannedStart: string | null
    plannedEnd: string | null
    plannedLabel: string | null
    actualStart: string | null
    actualEnd: string | null
    /** Days late (positive) or early (negative) against the planned end; null without one. */
    slippageDays: number | null
    itemsDone: number
    itemsTotal: number
    /** Steps done where they count (the plan's last environment); absent in snapshots taken before steps were counted. */
    stepsDone?: number
    stepCount?: number
  }[]
  windows: {
    environmentName: string
    phaseName: string | null
    status: WindowStatus
    startsAt: string
    endsAt: string
    active: boolean
  }[]
  risks: {
    id: string
    title: string
    impact: RiskImpact | null
    likelihood: RiskLikelihood | null
    score: number | null
    status: RiskStatus
    owner: string | null
    mitigation: string
    critical: boolean
  }[]
  runs: {
    id: string
    phaseName: string
    environmentName: string
    status: RunStatus
    dryRun: boolean
    startedAt: string | null
    finishedAt: string | null
    seconds: number | null
  }[]
  validation: {
    id: string
    status: ValidationStatus
    environmentName: string
    finishedAt: string | null
    tables: number
    matching: number
    differing: number
    findings: number
    rulesFailed: number
  } | null
  criteria: { text: string; status: CriterionStatus; evidenceId: string | null; evaluatedAt: string | null }[]
  /** The latest cutover that switched, with its downtime; absent in snapshots taken before cutovers were reported. */
  cutover?: {
    stepName: string
    environmentName: string
    switchedAt: string
    downtimeMs: number
    runId: string | null
  } | null
  /** Targets whose schema changed outside Lockstep (the newest drift check); absent in older snapshots. */
  drift?: { environmentName: string; objects: number; checkedAt: string; acknowledged: boolean }[]
}

const iso = (d: Date | null) => d?.toISOString() ?? null
const RECENT_RUNS = 10

/** Everyone: a plan's report as of now. */
export async function getPlanReport(actor: UserActor, planId: string, now = new Date()): Promise<ReportDTO> {
  assertCan(actor, 'report:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  return buildPlanReport(planId, now)
}

/** A plan's report as of `now` (not found when the plan is gone). Callers authorize. */
export async function buildPlanReport(planId: string, now = new Date()): Promise<ReportDTO> {
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: {
      id: true,
      title: true,
      status: true,
      startDate: true,
      owner: { select: { name: true } },
      risks: {
        orderBy: { createdAt: 'asc' },
        select: { id: true, title: true, impact: true, likelihood: true, status: true, owner: true, mitigation: true },
      },
      successCriteria: {
        orderBy: { position: 'asc' },
        select: { text: true, status: true, evidenceId: true, evaluatedAt: true },
      },
    },
  })
  if (!plan) throw notFound('Plan')
  const [facts, windows, runs, validation, cutover, drift] = await Promise.all([
    planFacts([plan.id], now),
    db.maintenanceWindow.findMany({
      where: { planId: plan.id, status: { in: ['APPROVED', 'REQUESTED'] }, endsAt: { gt: now } },
      orderBy: { startsAt: 'asc' },
      take: 5,
      select: {
        status: true,
        startsAt: true,
        endsAt: true,
        environment: { select: { name: true } },
        phase: { select: { name: true } },
      },
    }),
    db.run.findMany({
      where: { planId: plan.id },
      orderBy: { createdAt: 'desc' },
      take: RECENT_RUNS,
      select: {
        id: true,
        status: true,
        dryRun: true,
        startedAt: true,
        finishedAt: true,
        phase: { select: { name: true } },
        environment: { select: { name: true } },
      },
    }),
    db.validation.findFirst({
      where: { planId: plan.id, status: { in: ['PASSED', 'FAILED', 'ERROR'] } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, status: true, finishedAt: true, report: true, environment: { select: { name: true } } },
    }),
    db.sync.findFirst({
      where: { planId: plan.id, status: 'SWITCHED', switchedAt: { not: null }, downtimeMs: { not: null } },
      orderBy: { switchedAt: 'desc' },
      select: {
        switchedAt: true,
        downtimeMs: true,
        cutoverRunId: true,
        step: { select: { name: true } },
        environment: { select: { name: true } },
      },
    }),
    driftedTargetsOf(plan.id),
  ])
  const f = facts.get(plan.id)
  if (!f) throw notFound('Plan')
  const report = validation ? parseValidationReport(validation.report, validation.id) : null
  return {
    plan: {
      id: plan.id,
      title: plan.title,
      status: plan.status,
      ownerName: plan.owner.name,
      startDate: plan.startDate?.toISOString().slice(0, 10) ?? null,
    },
    generatedAt: now.toISOString(),
    verdict: f.verdict,
    progress: f.progress,
    phases: f.phases.map((p) => {
      const actualStart = p.firstActivityAt
      const actualEnd = p.doneAt
      const slippageDays = !p.plannedEnd
        ? null
        : actualEnd
          ? daysBetween(p.plannedEnd, actualEnd.toISOString())
          : p.plannedEnd < f.today
            ? daysBetween(p.plannedEnd, f.today)
            : 0
      return {
        name: p.name,
        status: p.status,
        plannedStart: p.plannedStart,
        plannedEnd: p.plannedEnd,
        plannedLabel: p.plannedLabel,
        actualStart: iso(actualStart),
        actualEnd: iso(actualEnd),
        slippageDays,
        itemsDone: p.itemsDone,
        itemsTotal: p.itemsTotal,
        stepsDone: p.stepsDone,
        stepCount: p.stepCount,
      }
    }),
    windows: windows.map((w) => ({
      environmentName: w.environment.name,
      phaseName: w.phase?.name ?? null,
      status: w.status,
      startsAt: w.startsAt.toISOString(),
      endsAt: w.endsAt.toISOString(),
      active: w.status === 'APPROVED' && w.startsAt <= now,
    })),
    risks: plan.risks.map((r) => ({ ...r, score: riskScore(r.impact, r.likelihood), critical: isCriticalRisk(r) })),
    runs: runs.map((r) => ({
      id: r.id,
      phaseName: r.phase.name,
      environmentName: r.environment.name,
      status: r.status,
      dryRun: r.dryRun,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      seconds: r.startedAt && r.finishedAt ? Math.round((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000) : null,
    })),
    validation: validation
      ? {
          id: validation.id,
          status: validation.status,
          environmentName: validation.environment.name,
          finishedAt: iso(validation.finishedAt),
          tables: report?.tables.length ?? 0,
          matching: report?.tables.filter((t) => t.state === 'VALIDATED' || t.state === 'NO_PRIMARY_KEY').length ?? 0,
          differing: report?.tables.filter((t) => t.state === 'MISMATCHED' || t.state === 'ERROR').length ?? 0,
          findings: report?.integrity.length ?? 0,
          rulesFailed: report?.rules.filter((r) => !r.passed).length ?? 0,
        }
      : null,
    criteria: plan.successCriteria.map((c) => ({
      text: c.text,
      status: c.status,
      evidenceId: c.evidenceId,
      evaluatedAt: iso(c.evaluatedAt),
    })),
    cutover:
      cutover?.switchedAt && cutover.downtimeMs !== null
        ? {
            stepName: cutover.step.name,
            environmentName: cutover.environment.name,
            switchedAt: cutover.switchedAt.toISOString(),
            downtimeMs: cutover.downtimeMs,
            runId: cutover.cutoverRunId,
          }
        : null,
    drift: drift.map(({ environmentName, objects, checkedAt, acknowledged }) => ({
      environmentName,
      objects,
      checkedAt,
      acknowledged,
    })),
  }
}

export type PortfolioRowDTO = {
  id: string
  title: string
  ownerName: string
  verdict: StatusVerdict
  progress: number
  nextWindow: { environmentName: string; startsAt: string; status: WindowStatus } | null
  topRisk: { title: string; score: number | null; critical: boolean } | null
}

/** Everyone: every plan in progress (draft or active), with its status, progress, next window and top risk. */
export async function listPortfolio(actor: UserActor, now = new Date()): Promise<PortfolioRowDTO[]> {
  assertCan(actor, 'report:read')
  const plans = await db.plan.findMany({
    where: { status: { in: ['ACTIVE', 'DRAFT'] } },
    orderBy: [{ status: 'asc' }, { updatedAt: 'desc' }],
    take: 200,
    select: {
      id: true,
      title: true,
      owner: { select: { name: true } },
      windows: {
        where: { status: { in: ['APPROVED', 'REQUESTED'] }, endsAt: { gt: now } },
        orderBy: { startsAt: 'asc' },
        take: 1,
        select: { startsAt: true, status: true, environment: { select: { name: true } } },
      },
    },
  })
  const facts = await planFacts(
    plans.map((p) => p.id),
    now,
  )
  return plans.flatMap((p) => {
    const f = facts.get(p.id)
    if (!f) return []
    const open = f.risks
      .filter((r) => r.status === 'OPEN')
      .map((r) => ({ title: r.title, score: riskScore(r.impact, r.likelihood), critical: isCriticalRisk(r) }))
    open.sort((a, b) => Number(b.critical) - Number(a.critical) || (b.score ?? 0) - (a.score ?? 0))
    const w = p.windows[0]
    return [
      {
        id: p.id,
        title: p.title,
        ownerName: p.owner.name,
        verdict: f.verdict,
        progress: f.progress,
        nextWindow: w
          ? { environmentName: w.environment.name, startsAt: w.startsAt.toISOString(), status: w.status }
          : null,
        topRisk: open[0] ?? null,
      },
    ]
  })
}
