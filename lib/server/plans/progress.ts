import { db, Prisma } from '@/lib/db'
import {
  phaseStatus,
  planProgress,
  stepsDone,
  type LatestRun,
  type PhaseFacts,
  type PhaseStatus,
} from '@/lib/domain/progress'
import type { RunStatus } from '@/lib/generated/prisma/enums'

// The progress of many plans in two queries: each phase's checklist counts, steps and runs (the latest run on
// each environment, and the one on the plan's last environment), and the plans' own checklists. Every view that
// shows a status or a percentage reads it from here, so they cannot disagree.

export type PhaseProgress = PhaseFacts & {
  id: string
  planId: string
  status: PhaseStatus
  stepsDone: number
  /** Where the phase's steps count as done: the plan's protected environment, else the one it was given last; null without any. */
  lastEnvironment: string | null
  /** The first ticked item or run start; when it ended (marked done, or the last environment's run finished). */
  firstActivityAt: Date | null
  doneAt: Date | null
}

export type PlanProgress = {
  progress: number
  phases: Map<string, PhaseProgress>
  itemsDone: number
  itemsTotal: number
}

type PhaseRow = {
  id: string
  planId: string
  blockedReason: string | null
  completedAt: Date | null
  itemsTotal: number
  itemsDone: number
  requiredOpen: number
  firstTick: Date | null
  steps: number
  lastEnvironment: string | null
  finalStatus: RunStatus | null
  finalFinishedAt: Date | null
  finalStepsDone: number
  latestRuns: LatestRun[]
  firstRunAt: Date | null
}

// The plan's last environment: among those it was given (and, for a plan given none, those it ran on), a
// protected one before others, then the last in the plan's promotion order.
const PHASES_SQL = (ids: Prisma.Sql) => Prisma.sql`
  WITH candidates AS (
    SELECT pe."planId", pe."environmentId", pe."position" AS "order" FROM "PlanEnvironment" pe WHERE pe."planId" IN (${ids})
    UNION ALL
    SELECT DISTINCT r."planId", r."environmentId", -1 FROM "Run" r
     WHERE r."planId" IN (${ids}) AND NOT EXISTS (SELECT 1 FROM "PlanEnvironment" pe WHERE pe."planId" = r."planId")
  ), last_environment AS (
    SELECT DISTINCT ON (c."planId") c."planId", c."environmentId", e."name"
      FROM candidates c JOIN "Environment" e ON e."id" = c."environmentId"
     ORDER BY c."planId", e."protected" DESC, c."order" DESC, e."createdAt" DESC
  ), latest AS (
    SELECT DISTINCT ON (r."phaseId", r."environmentId") r."id", r."phaseId", r."environmentId", r."status", r."finishedAt", e."name" AS "environment"
      FROM "Run" r JOIN "Environment" e ON e."id" = r."environmentId"
     WHERE r."planId" IN (${ids}) AND NOT r."dryRun"
     ORDER BY r."phaseId", r."environmentId", r."createdAt" DESC, r."id" DESC
  )
  SELECT f."id", f."planId", f."blockedReason", f."completedAt",
         coalesce(i."total", 0) AS "itemsTotal", coalesce(i."done", 0) AS "itemsDone", coalesce(i."requiredOpen", 0) AS "requiredOpen", i."firstTick",
         (SELECT count(*)::int FROM "Step" s WHERE s."phaseId" = f."id" AND s."removedAt" IS NULL) AS "steps",
         le."name" AS "lastEnvironment", fin."status" AS "finalStatus", fin."finishedAt" AS "finalFinishedAt",
         (SELECT count(*)::int FROM "StepRun" sr WHERE sr."runId" = fin."id" AND sr."status" IN ('SUCCEEDED', 'SKIPPED')) AS "finalStepsDone",
         coalesce((SELECT json_agg(json_build_object('status', l."status", 'environment', l."environment") ORDER BY l."environment") FROM latest l WHERE l."phaseId" = f."id"), '[]') AS "latestRuns",
         (SELECT min(r."startedAt") FROM "Run" r WHERE r."phaseId" = f."id" AND NOT r."dryRun") AS "firstRunAt"
    FROM "Phase" f
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS "total", count(ci."doneAt")::int AS "done", (count(*) FILTER (WHERE ci."isRequired" AND ci."doneAt" IS NULL))::int AS "requiredOpen", min(ci."doneAt") AS "firstTick"
        FROM "ChecklistItem" ci WHERE ci."phaseId" = f."id") i ON true
    LEFT JOIN last_environment le ON le."planId" = f."planId"
    LEFT JOIN latest fin ON fin."phaseId" = f."id" AND fin."environmentId" = le."environmentId"
   WHERE f."planId" IN (${ids})
   ORDER BY f."planId", f."position"`

const earliest = (...dates: (Date | null)[]) =>
  dates.reduce<Date | null>((min, d) => (d && (!min || d < min) ? d : min), null)

/** Progress of each plan in `planIds`, with its phases' statuses. Callers authorize. */
export async function planProgressOf(planIds: readonly string[]): Promise<Map<string, PlanProgress>> {
  const result = new Map<string, PlanProgress>()
  if (planIds.length === 0) return result
  const ids = Prisma.join(planIds.map((id) => Prisma.sql`${id}::uuid`))
  const [phases, planItems] = await Promise.all([
    db.$queryRaw<PhaseRow[]>(PHASES_SQL(ids)),
    db.$queryRaw<{ planId: string; total: number; done: number }[]>`
      SELECT c."planId", count(*)::int AS "total", count(i."doneAt")::int AS "done"
        FROM "Checklist" c JOIN "ChecklistItem" i ON i."checklistId" = c."id" WHERE c."planId" IN (${ids}) GROUP BY c."planId"`,
  ])
  for (const id of planIds) {
    const own = planItems.find((p) => p.planId === id)
    result.set(id, { progress: 0, phases: new Map(), itemsDone: own?.done ?? 0, itemsTotal: own?.total ?? 0 })
  }
  for (const row of phases) {
    const facts: PhaseFacts = {
      blockedReason: row.blockedReason,
      completedAt: row.completedAt,
      itemsDone: row.itemsDone,
      itemsTotal: row.itemsTotal,
      requiredOpen: row.requiredOpen,
      steps: row.steps,
      latestRuns: row.latestRuns,
      finalRun: row.finalStatus ? { status: row.finalStatus, stepsDone: row.finalStepsDone } : null,
    }
    const status = phaseStatus(facts)
    const doneAt = status !== 'DONE' ? null : (row.completedAt ?? row.finalFinishedAt)
    result.get(row.planId)?.phases.set(row.id, {
      ...facts,
      id: row.id,
      planId: row.planId,
      lastEnvironment: row.lastEnvironment,
      status,
      stepsDone: stepsDone(facts),
      firstActivityAt: earliest(row.firstTick, row.firstRunAt),
      doneAt,
    })
  }
  for (const plan of result.values()) {
    const list = [...plan.phases.values()]
    const sum = (f: (p: PhaseProgress) => number) => list.reduce((total, p) => total + f(p), 0)
    plan.itemsDone += sum((p) => p.itemsDone)
    plan.itemsTotal += sum((p) => p.itemsTotal)
    plan.progress = planProgress({
      itemsDone: plan.itemsDone,
      itemsTotal: plan.itemsTotal,
      stepsDone: sum((p) => p.stepsDone),
      stepsTotal: sum((p) => p.steps),
      phasesDone: list.filter((p) => p.status === 'DONE').length,
      phasesTotal: list.length,
    })
  }
  return result
}
