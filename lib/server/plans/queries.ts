import { z } from 'zod'
import { can } from '@/lib/auth/permissions'
import { db, Prisma } from '@/lib/db'
import type { CriterionStatus, PlanStatus, RiskImpact, RiskLikelihood, RiskStatus } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { phaseStatus, planProgress, riskScore, type PhaseStatus } from './rules'
import { PLAN_STATUSES } from '@/lib/domain/plan-values'

export const ZPlanListFilter = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(PLAN_STATUSES).optional().catch(undefined),
})
export type TPlanListFilter = z.infer<typeof ZPlanListFilter>

export type PlanListItemDTO = {
  id: string
  title: string
  status: PlanStatus
  ownerName: string
  startDate: string | null
  updatedAt: string
  progress: number
  phaseCount: number
  openRiskCount: number
}

type ListRow = {
  id: string
  title: string
  status: PlanStatus
  ownerName: string
  startDate: Date | null
  updatedAt: Date
  phases: number
  phasesDone: number
  items: number
  itemsDone: number
  openRisks: number
}

/** Any signed-in role. Archived plans only when asked for by status. */
export async function listPlansForViewer(actor: UserActor, filter: TPlanListFilter): Promise<PlanListItemDTO[]> {
  assertCan(actor, 'plan:read')
  const conditions = [filter.status ? Prisma.sql`p."status" = ${filter.status}::"PlanStatus"` : Prisma.sql`p."status" <> 'ARCHIVED'`]
  if (filter.q) conditions.push(Prisma.sql`p."title" ILIKE ${`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`)
  // One round trip: the counts behind each progress bar are aggregated in the database.
  const rows = await db.$queryRaw<ListRow[]>`
    SELECT p."id", p."title", p."status", u."name" AS "ownerName", p."startDate", p."updatedAt",
           coalesce(ph.total, 0)::int AS "phases", coalesce(ph.done, 0)::int AS "phasesDone",
           coalesce(it.total, 0)::int AS "items", coalesce(it.done, 0)::int AS "itemsDone",
           coalesce(r.open, 0)::int AS "openRisks"
      FROM "Plan" p
      JOIN "User" u ON u."id" = p."ownerId"
      LEFT JOIN (SELECT "planId", count(*) AS total, count("completedAt") AS done FROM "Phase" GROUP BY 1) ph ON ph."planId" = p."id"
      LEFT JOIN (
        SELECT coalesce(f."planId", c."planId") AS "planId", count(*) AS total, count(i."doneAt") AS done
          FROM "ChecklistItem" i
          LEFT JOIN "Phase" f ON f."id" = i."phaseId"
          LEFT JOIN "Checklist" c ON c."id" = i."checklistId"
         GROUP BY 1
      ) it ON it."planId" = p."id"
      LEFT JOIN (SELECT "planId", count(*) AS open FROM "Risk" WHERE "status" = 'OPEN' GROUP BY 1) r ON r."planId" = p."id"
     WHERE ${Prisma.join(conditions, ' AND ')}
     ORDER BY p."updatedAt" DESC
     LIMIT 500`
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    status: row.status,
    ownerName: row.ownerName,
    startDate: row.startDate?.toISOString().slice(0, 10) ?? null,
    updatedAt: row.updatedAt.toISOString(),
    progress: planProgress({ itemsDone: row.itemsDone, itemsTotal: row.items, phasesDone: row.phasesDone, phasesTotal: row.phases }),
    phaseCount: row.phases,
    openRiskCount: row.openRisks,
  }))
}

export type ChecklistItemDTO = {
  id: string
  text: string
  owner: string | null
  dueDate: string | null
  isRequired: boolean
  doneAt: string | null
  doneByName: string | null
}

export type PhaseDTO = {
  id: string
  position: number
  name: string
  goal: string
  plannedStart: string | null
  plannedEnd: string | null
  plannedLabel: string | null
  status: PhaseStatus
  blockedReason: string | null
  completedAt: string | null
  completedByName: string | null
  openRequiredCount: number
  items: ChecklistItemDTO[]
}

export type RiskDTO = {
  id: string
  title: string
  impact: RiskImpact
  likelihood: RiskLikelihood
  score: number
  mitigation: string
  owner: string | null
  status: RiskStatus
}

export type PlanDetailDTO = {
  id: string
  title: string
  summary: string
  currentState: string
  targetState: string
  status: PlanStatus
  ownerName: string
  startDate: string | null
  updatedAt: string
  progress: number
  canEdit: boolean
  phases: PhaseDTO[]
  checklists: { id: string; name: string; items: ChecklistItemDTO[] }[]
  risks: RiskDTO[]
  successCriteria: { id: string; text: string; status: CriterionStatus }[]
  rollbackTriggers: { id: string; text: string; metric: string | null; comparator: string | null; threshold: number | null }[]
}

const ITEM_SELECT = {
  id: true,
  text: true,
  owner: true,
  dueDate: true,
  isRequired: true,
  doneAt: true,
  doneBy: { select: { name: true } },
} as const satisfies Prisma.ChecklistItemSelect

type ItemRow = Prisma.ChecklistItemGetPayload<{ select: typeof ITEM_SELECT }>

function toItemDTO(item: ItemRow): ChecklistItemDTO {
  return {
    id: item.id,
    text: item.text,
    owner: item.owner,
    dueDate: isoDate(item.dueDate),
    isRequired: item.isRequired,
    doneAt: item.doneAt?.toISOString() ?? null,
    doneByName: item.doneBy?.name ?? null,
  }
}

const isoDate = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null
const byPosition = { orderBy: { position: 'asc' as const } }

/** Any signed-in role; `canEdit` tells the page whether to offer editing. Unknown id: not found. */
export async function getPlanForViewer(actor: UserActor, planId: string): Promise<PlanDetailDTO> {
  assertCan(actor, 'plan:read')
  if (!z.uuid().safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    include: {
      owner: { select: { name: true } },
      phases: { ...byPosition, include: { completedBy: { select: { name: true } }, items: { ...byPosition, select: ITEM_SELECT } } },
      checklists: { ...byPosition, include: { items: { ...byPosition, select: ITEM_SELECT } } },
      risks: { orderBy: { createdAt: 'asc' } },
      successCriteria: byPosition,
      rollbackTriggers: byPosition,
    },
  })
  if (!plan) throw notFound('Plan')
  const allItems = [...plan.phases.flatMap((p) => p.items), ...plan.checklists.flatMap((c) => c.items)]
  return {
    id: plan.id,
    title: plan.title,
    summary: plan.summary,
    currentState: plan.currentState,
    targetState: plan.targetState,
    status: plan.status,
    ownerName: plan.owner.name,
    startDate: isoDate(plan.startDate),
    updatedAt: plan.updatedAt.toISOString(),
    progress: planProgress({
      itemsDone: allItems.filter((i) => i.doneAt).length,
      itemsTotal: allItems.length,
      phasesDone: plan.phases.filter((p) => p.completedAt).length,
      phasesTotal: plan.phases.length,
    }),
    canEdit: can(actor.role, 'plan:edit') && plan.status !== 'ARCHIVED',
    phases: plan.phases.map((phase) => ({
      id: phase.id,
      position: phase.position,
      name: phase.name,
      goal: phase.goal,
      plannedStart: isoDate(phase.plannedStart),
      plannedEnd: isoDate(phase.plannedEnd),
      plannedLabel: phase.plannedLabel,
      status: phaseStatus({
        blockedReason: phase.blockedReason,
        completedAt: phase.completedAt,
        itemsDone: phase.items.filter((i) => i.doneAt).length,
        itemsTotal: phase.items.length,
      }),
      blockedReason: phase.blockedReason,
      completedAt: phase.completedAt?.toISOString() ?? null,
      completedByName: phase.completedBy?.name ?? null,
      openRequiredCount: phase.items.filter((i) => i.isRequired && !i.doneAt).length,
      items: phase.items.map(toItemDTO),
    })),
    checklists: plan.checklists.map((c) => ({ id: c.id, name: c.name, items: c.items.map(toItemDTO) })),
    risks: plan.risks
      .map((r) => ({ id: r.id, title: r.title, impact: r.impact, likelihood: r.likelihood, score: riskScore(r.impact, r.likelihood), mitigation: r.mitigation, owner: r.owner, status: r.status }))
      .sort((a, b) => b.score - a.score),
    successCriteria: plan.successCriteria.map((c) => ({ id: c.id, text: c.text, status: c.status })),
    rollbackTriggers: plan.rollbackTriggers.map((t) => ({ id: t.id, text: t.text, metric: t.metric, comparator: t.comparator, threshold: t.threshold })),
  }
}

export type ActivityDTO = { id: string; actorLabel: string; action: string; entityType: string; after: unknown; createdAt: string }

/** Any signed-in role: the plan's recent changes, newest first. */
export async function listPlanActivity(actor: UserActor, planId: string, take = 30): Promise<ActivityDTO[]> {
  assertCan(actor, 'plan:read')
  const rows = await db.auditEvent.findMany({ where: { planId }, orderBy: { id: 'desc' }, take })
  return rows.map((r) => ({ id: r.id.toString(), actorLabel: r.actorLabel, action: r.action, entityType: r.entityType, after: r.after, createdAt: r.createdAt.toISOString() }))
}
