import { db, Prisma } from '@/lib/db'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { phaseStatus, planProgress } from '@/lib/server/plans/rules'
import { reportStatus, type StatusFacts, type StatusVerdict } from './rules'

// The facts the report status is decided from, for many plans in a fixed number of queries (the portfolio
// shows every active plan; a report shows one): phases with their checklist counts, risks, the latest run
// of each phase on each environment, success criteria.

export type PlanFacts = Omit<StatusFacts, 'phases'> & {
  planId: string
  progress: number
  phases: (StatusFacts['phases'][number] & { id: string; itemsDone: number; itemsTotal: number; firstTickAt: Date | null; completedAt: Date | null; plannedStart: string | null; plannedLabel: string | null })[]
}

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null

type CountRow = { phaseId: string; total: number; done: number; firstTick: Date | null }
type LatestRunRow = { planId: string; phaseName: string; environmentName: string; status: RunStatus }

/** The facts of each plan in `planIds` as of `now`, with its verdict. Callers authorize. */
export async function planFacts(planIds: readonly string[], now = new Date()): Promise<Map<string, PlanFacts & { verdict: StatusVerdict }>> {
  if (!planIds.length) return new Map()
  const ids = [...planIds]
  const [plans, counts, latestRuns] = await Promise.all([
    db.plan.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        status: true,
        phases: { orderBy: { position: 'asc' }, select: { id: true, name: true, blockedReason: true, completedAt: true, plannedStart: true, plannedEnd: true, plannedLabel: true } },
        risks: { select: { title: true, impact: true, likelihood: true, status: true } },
        successCriteria: { orderBy: { position: 'asc' }, select: { text: true, status: true } },
      },
    }),
    db.$queryRaw<CountRow[]>`
      SELECT i."phaseId", count(*)::int AS total, count(i."doneAt")::int AS done, min(i."doneAt") AS "firstTick"
        FROM "ChecklistItem" i JOIN "Phase" p ON p."id" = i."phaseId"
       WHERE p."planId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})
       GROUP BY i."phaseId"`,
    db.$queryRaw<LatestRunRow[]>`
      SELECT DISTINCT ON (r."planId", r."phaseId", r."environmentId") r."planId", p."name" AS "phaseName", e."name" AS "environmentName", r."status"
        FROM "Run" r JOIN "Phase" p ON p."id" = r."phaseId" JOIN "Environment" e ON e."id" = r."environmentId"
       WHERE r."planId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}) AND NOT r."dryRun"
       ORDER BY r."planId", r."phaseId", r."environmentId", r."createdAt" DESC`,
  ])
  const countOf = new Map(counts.map((c) => [c.phaseId, c]))
  const today = now.toISOString().slice(0, 10)
  const result = new Map<string, PlanFacts & { verdict: StatusVerdict }>()
  for (const plan of plans) {
    const phases = plan.phases.map((p) => {
      const c = countOf.get(p.id)
      const itemsTotal = c?.total ?? 0
      const itemsDone = c?.done ?? 0
      return {
        id: p.id,
        name: p.name,
        status: phaseStatus({ blockedReason: p.blockedReason, completedAt: p.completedAt, itemsDone, itemsTotal }),
        blockedReason: p.blockedReason,
        plannedStart: day(p.plannedStart),
        plannedEnd: day(p.plannedEnd),
        plannedLabel: p.plannedLabel,
        itemsDone,
        itemsTotal,
        firstTickAt: c?.firstTick ?? null,
        completedAt: p.completedAt,
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
      progress: planProgress({
        itemsDone: phases.reduce((sum, p) => sum + p.itemsDone, 0),
        itemsTotal: phases.reduce((sum, p) => sum + p.itemsTotal, 0),
        phasesDone: phases.filter((p) => p.status === 'DONE').length,
        phasesTotal: phases.length,
      }),
    }
    result.set(plan.id, { ...facts, verdict: reportStatus(facts) })
  }
  return result
}
