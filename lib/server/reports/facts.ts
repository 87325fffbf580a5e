import { db, Prisma } from '@/lib/db'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { planProgressOf } from '@/lib/server/plans/progress'
import { reportStatus, type StatusFacts, type StatusVerdict } from './rules'

// The facts the report status is decided from, for many plans in a fixed number of queries (the portfolio
// shows every active plan; a report shows one): phases with their progress (progress.ts), risks, the latest
// run of each phase on each environment, success criteria.

export type PlanFacts = Omit<StatusFacts, 'phases'> & {
  planId: string
  progress: number
  phases: (StatusFacts['phases'][number] & {
    id: string
    itemsDone: number
    itemsTotal: number
    stepsDone: number
    stepCount: number
    firstActivityAt: Date | null
    doneAt: Date | null
    plannedStart: string | null
    plannedLabel: string | null
  })[]
}

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null

type LatestRunRow = { planId: string; phaseName: string; environmentName: string; status: RunStatus }

/** The facts of each plan in `planIds` as of `now`, with its verdict. Callers authorize. */
export async function planFacts(
  planIds: readonly string[],
  now = new Date(),
): Promise<Map<string, PlanFacts & { verdict: StatusVerdict }>> {
  if (!planIds.length) return new Map()
  const ids = [...planIds]
  const [plans, progressOf, latestRuns] = await Promise.all([
    db.plan.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        status: true,
        phases: {
          orderBy: { position: 'asc' },
          select: {
            id: true,
            name: true,
            blockedReason: true,
            plannedStart: true,
            plannedEnd: true,
            plannedLabel: true,
          },
        },
        risks: { select: { title: true, impact: true, likelihood: true, status: true } },
        successCriteria: { orderBy: { position: 'asc' }, select: { text: true, status: true } },
      },
    }),
    planProgressOf(ids),
    db.$queryRaw<LatestRunRow[]>`
      SELECT DISTINCT ON (r."planId", r."phaseId", r."environmentId") r."planId", p."name" AS "phaseName", e."name" AS "environmentName", r."status"
        FROM "Run" r JOIN "Phase" p ON p."id" = r."phaseId" JOIN "Environment" e ON e."id" = r."environmentId"
       WHERE r."planId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}) AND NOT r."dryRun"
       ORDER BY r."planId", r."phaseId", r."environmentId", r."createdAt" DESC`,
  ])
  const today = now.toISOString().slice(0, 10)
  const result = new Map<string, PlanFacts & { verdict: StatusVerdict }>()
  for (const plan of plans) {
    const progress = progressOf.get(plan.id)
    const phases = plan.phases.map((p) => {
      const c = progress?.phases.get(p.id)
      return {
        id: p.id,
        name: p.name,
        status: c?.status ?? 'NOT_STARTED',
        blockedReason: p.blockedReason,
        plannedStart: day(p.plannedStart),
        plannedEnd: day(p.plannedEnd),
        plannedLabel: p.plannedLabel,
        itemsDone: c?.itemsDone ?? 0,
        itemsTotal: c?.itemsTotal ?? 0,
        stepsDone: c?.stepsDone ?? 0,
        stepCount: c?.steps ?? 0,
        firstActivityAt: c?.firstActivityAt ?? null,
        doneAt: c?.doneAt ?? null,
      }
    })
    const facts: PlanFacts = {
      planId: plan.id,
      planStatus: plan.status,
      today,
      phases,
      risks: plan.risks,
      latestRuns: latestRuns.filter((r) => r.planId === plan.id),
      criteria: plan.successCriteria,
      progress: progress?.progress ?? 0,
    }
    result.set(plan.id, { ...facts, verdict: reportStatus(facts) })
  }
  return result
}
