import 'server-only'
import { cache } from 'react'
import { z } from 'zod'
import { can } from '@/lib/auth/permissions'
import { db, Prisma } from '@/lib/db'
import type {
  Comparator,
  CriterionStatus,
  PlanStatus,
  RiskImpact,
  RiskLikelihood,
  RiskStatus,
  StepKind,
} from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { riskScore } from './rules'
import type { PhaseStatus } from '@/lib/domain/progress'
import { isActiveRun } from '@/lib/domain/states/run'
import { planProgressOf } from './progress'
import { stepsAndScripts } from './steps'
import { lintDTO, type StepLintDTO } from './lint'
import { PLAN_STATUSES } from '@/lib/domain/plan-values'
import type { Step } from '@/lib/generated/prisma/client'
import { parseLintReport } from '@/lib/domain/lint-report'
import { bindingOf, CHECK_LABELS } from '@/lib/domain/criteria'
import { describeTask } from '@/lib/plan-document/gantt'
import { isGanttTag, type DocTimelineEntry } from '@/lib/plan-document/types'
import {
  backupConfigOf,
  copyConfigOf,
  observeConfigOf,
  validateConfigOf,
  type BackupConfig,
  type CopyConfig,
  manualConfigOf,
  type ObserveConfig,
  sqlConfigOf,
  type ValidateConfig,
} from '@/lib/domain/step-kinds'
import { cutoverConfigOf, syncConfigOf, type CutoverConfig, type SyncConfig } from '@/lib/domain/sync'

export const PLAN_PAGE_SIZE = 25

type TimelineRow = Omit<DocTimelineEntry, 'tags'> & { id: string; tags: string[] }

/** Timeline rows with their Gantt details in words. */
function timelineOf(rows: TimelineRow[]): PlanDetailDTO['timeline'] {
  const entries = rows.map((r) => ({ ...r, tags: r.tags.filter(isGanttTag) }))
  return entries.map((e) => ({ id: e.id, text: e.text, detail: describeTask(e, entries) }))
}

export const ZPlanListFilter = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(PLAN_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
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
  phaseCount: number
  openRiskCount: number
  total: number
}

export type PlanListPage = { plans: PlanListItemDTO[]; total: number; page: number; pageCount: number }

/**
 * Any signed-in role. Newest activity first, a page at a time; archived plans only when asked for by
 * status. Counts come from the rollup each edit keeps on the plan row (see rollup.ts); progress, which runs
 * move too, from the page's plans' checklists and runs (progress.ts).
 */
export async function listPlansForViewer(actor: UserActor, filter: TPlanListFilter): Promise<PlanListPage> {
  assertCan(actor, 'plan:read')
  const page = filter.page ?? 1
  const conditions = [
    filter.status ? Prisma.sql`p."status" = ${filter.status}::"PlanStatus"` : Prisma.sql`p."status" <> 'ARCHIVED'`,
  ]
  if (filter.q) conditions.push(Prisma.sql`p."title" ILIKE ${`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`)
  const rows = await db.$queryRaw<ListRow[]>`
    SELECT p."id", p."title", p."status", u."name" AS "ownerName", p."startDate", p."updatedAt",
           p."phaseCount", p."openRiskCount", count(*) OVER ()::int AS "total"
      FROM "Plan" p JOIN "User" u ON u."id" = p."ownerId"
     WHERE ${Prisma.join(conditions, ' AND ')}
     ORDER BY p."updatedAt" DESC, p."id"
     LIMIT ${PLAN_PAGE_SIZE} OFFSET ${(page - 1) * PLAN_PAGE_SIZE}`
  const total = rows[0]?.total ?? 0
  const progress = await planProgressOf(rows.map((row) => row.id))
  return {
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / PLAN_PAGE_SIZE)),
    plans: rows.map((row) => ({
      id: row.id,
      title: row.title,
      status: row.status,
      ownerName: row.ownerName,
      startDate: row.startDate?.toISOString().slice(0, 10) ?? null,
      updatedAt: row.updatedAt.toISOString(),
      progress: progress.get(row.id)?.progress ?? 0,
      phaseCount: row.phaseCount,
      openRiskCount: row.openRiskCount,
    })),
  }
}

export type ChecklistItemDTO = {
  id: string
  text: string
  /** The entry the item sat under in an imported document. */
  group: string | null
  owner: string | null
  dueDate: string | null
  isRequired: boolean
  doneAt: string | null
  doneByName: string | null
}

/** A phase with its checklist counts; its items are loaded separately, for the phases on show. */
export type PhaseSummaryDTO = {
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
  itemCount: number
  doneCount: number
  /** Steps, and those done: all of a done phase's, else those its latest run on the plan's last environment got through. */
  stepCount: number
  stepsDone: number
  /** Where the phase's steps count as done (the plan's last environment), and where a run of it is active now. */
  lastEnvironment: string | null
  activeRunOn: string | null
  steps: StepDTO[]
}

/** A step of a phase, or a script kept from a plan document (kind SCRIPT), in their shared order. */
export type StepDTO = {
  id: string
  kind: StepKind | 'SCRIPT'
  name: string
  body: string
  language: string | null
  isDraft: boolean
  rollbackBody: string | null
  /** SQL steps: per-step timeouts, null for the defaults. */
  statementTimeoutSeconds: number | null
  lockTimeoutMs: number | null
  /** Manual gates: releasing needs the phase's required checklist items done. */
  requireChecklist: boolean
  /** Copy steps: tables, mode and limits. */
  copy: CopyConfig | null
  validate: ValidateConfig | null
  observe: ObserveConfig | null
  /** Backup steps: the target or the source, and the tables (none: the whole database). */
  backup: BackupConfig | null
  /** Sync steps: what they copy and follow (their own settings, or a copy step's). */
  sync: SyncConfig | null
  cutover: CutoverConfig | null
  lint: StepLintDTO | null
  lintOverride: { reason: string; byName: string | null; at: string } | null
}

export type RiskDTO = {
  id: string
  title: string
  impact: RiskImpact | null
  likelihood: RiskLikelihood | null
  /** Null while not rated; unrated risks sort last. */
  score: number | null
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
  phases: PhaseSummaryDTO[]
  checklists: { id: string; name: string; items: ChecklistItemDTO[] }[]
  risks: RiskDTO[]
  /** `boundTo`: the validation check that decides it; `evidenceId`: the validation that last did. */
  successCriteria: {
    id: string
    text: string
    status: CriterionStatus
    boundTo: string | null
    evidenceId: string | null
  }[]
  rollbackTriggers: {
    id: string
    text: string
    metric: string | null
    comparator: Comparator | null
    threshold: number | null
    sustainedSeconds: number
  }[]
  rollbackSteps: { id: string; text: string; body: string | null; language: string | null }[]
  /** `detail`: a Gantt task's section, dates, length, dependencies and tags, in words; null for a line of text. */
  timeline: { id: string; text: string; detail: string | null }[]
  /** Steps and scripts not in any phase. */
  unplacedSteps: StepDTO[]
  notes: { id: string; title: string; body: string }[]
}

const ITEM_SELECT = {
  id: true,
  text: true,
  group: true,
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
    group: item.group,
    owner: item.owner,
    dueDate: isoDate(item.dueDate),
    isRequired: item.isRequired,
    doneAt: item.doneAt?.toISOString() ?? null,
    doneByName: item.doneBy?.name ?? null,
  }
}

const isoDate = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null
const byPosition = { orderBy: { position: 'asc' as const } }

/**
 * Any signed-in role; `canEdit` tells the page whether to offer editing. Unknown id: not found.
 * Phases come with their checklist counts, not their items (see `listPhaseItems`), so the cost of
 * a plan page follows what it shows. Memoised per request: a page and its metadata share one load.
 */
export const getPlanForViewer = cache(async (actor: UserActor, planId: string): Promise<PlanDetailDTO> => {
  assertCan(actor, 'plan:read')
  if (!z.uuid().safeParse(planId).success) throw notFound('Plan')
  const [plan, progressOf] = await Promise.all([
    db.plan.findUnique({
      relationLoadStrategy: 'join',
      where: { id: planId },
      include: {
        owner: { select: { name: true } },
        phases: { ...byPosition, include: { completedBy: { select: { name: true } } } },
        checklists: { ...byPosition, include: { items: { ...byPosition, select: ITEM_SELECT } } },
        risks: { orderBy: { createdAt: 'asc' } },
        successCriteria: byPosition,
        rollbackTriggers: byPosition,
        rollbackSteps: byPosition,
        timeline: byPosition,
        steps: { where: { removedAt: null }, ...byPosition, include: { lintOverrideBy: { select: { name: true } } } },
        notes: byPosition,
      },
    }),
    planProgressOf([planId]),
  ])
  if (!plan) throw notFound('Plan')
  const progress = progressOf.get(plan.id)
  const stepsOf = (phaseId: string | null) =>
    stepsAndScripts<StepDTO, (typeof plan.steps)[number]>(plan.steps, plan.notes, phaseId, {
      step: (s) => stepDTO(s),
      script: (n) => ({
        ...NO_STEP_DETAILS,
        id: n.id,
        kind: 'SCRIPT',
        name: n.title,
        body: n.body,
        language: n.language || null,
        isDraft: false,
      }),
    })
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
    progress: progress?.progress ?? 0,
    canEdit: can(actor.role, 'plan:edit') && plan.status !== 'ARCHIVED',
    phases: plan.phases.map((phase) => {
      const c = progress?.phases.get(phase.id)
      return {
        id: phase.id,
        position: phase.position,
        name: phase.name,
        goal: phase.goal,
        plannedStart: isoDate(phase.plannedStart),
        plannedEnd: isoDate(phase.plannedEnd),
        plannedLabel: phase.plannedLabel,
        status: c?.status ?? 'NOT_STARTED',
        blockedReason: phase.blockedReason,
        completedAt: phase.completedAt?.toISOString() ?? null,
        completedByName: phase.completedBy?.name ?? null,
        openRequiredCount: c?.requiredOpen ?? 0,
        itemCount: c?.itemsTotal ?? 0,
        doneCount: c?.itemsDone ?? 0,
        stepCount: c?.steps ?? 0,
        stepsDone: c?.stepsDone ?? 0,
        lastEnvironment: c?.lastEnvironment ?? null,
        activeRunOn: c?.latestRuns.find((r) => isActiveRun(r.status))?.environment ?? null,
        steps: stepsOf(phase.id),
      }
    }),
    checklists: plan.checklists.map((c) => ({ id: c.id, name: c.name, items: c.items.map(toItemDTO) })),
    risks: plan.risks
      .map((r) => ({
        id: r.id,
        title: r.title,
        impact: r.impact,
        likelihood: r.likelihood,
        score: riskScore(r.impact, r.likelihood),
        mitigation: r.mitigation,
        owner: r.owner,
        status: r.status,
      }))
      .sort((a, b) => (b.score ?? -1) - (a.score ?? -1)),
    successCriteria: plan.successCriteria.map((c) => {
      const binding = bindingOf(c.binding)
      return {
        id: c.id,
        text: c.text,
        status: c.status,
        boundTo: binding ? (binding.check === 'rule' ? 'a custom rule passes' : CHECK_LABELS[binding.check]) : null,
        evidenceId: c.evidenceId,
      }
    }),
    rollbackTriggers: plan.rollbackTriggers.map((t) => ({
      id: t.id,
      text: t.text,
      metric: t.metric,
      comparator: t.comparator,
      threshold: t.threshold,
      sustainedSeconds: t.sustainedSeconds,
    })),
    rollbackSteps: plan.rollbackSteps.map((s) => ({ id: s.id, text: s.text, body: s.body, language: s.language })),
    timeline: timelineOf(plan.timeline),
    unplacedSteps: stepsOf(null),
    notes: plan.notes.filter((n) => n.language === null).map((n) => ({ id: n.id, title: n.title, body: n.body })),
  }
})

/** Any signed-in role: the checklists of the given phases of a plan, by phase id, in order. */
export async function listPhaseItems(
  actor: UserActor,
  planId: string,
  phaseIds: readonly string[],
): Promise<Map<string, ChecklistItemDTO[]>> {
  assertCan(actor, 'plan:read')
  const byPhase = new Map(phaseIds.map((id) => [id, [] as ChecklistItemDTO[]]))
  if (phaseIds.length === 0) return byPhase
  const items = await db.checklistItem.findMany({
    relationLoadStrategy: 'join',
    where: { phaseId: { in: [...phaseIds] }, phase: { planId } },
    orderBy: { position: 'asc' },
    select: { ...ITEM_SELECT, phaseId: true },
  })
  for (const item of items) if (item.phaseId) byPhase.get(item.phaseId)?.push(toItemDTO(item))
  return byPhase
}

export type ActivityDTO = {
  id: string
  actorLabel: string
  action: string
  /** What the event was about, in a few words; the audit row's data itself stays on the server. */
  subject: string
  createdAt: string
}

/** Any signed-in role: the plan's recent changes, newest first. */
export async function listPlanActivity(actor: UserActor, planId: string, take = 30): Promise<ActivityDTO[]> {
  assertCan(actor, 'plan:read')
  const rows = await db.auditEvent.findMany({
    where: { planId },
    orderBy: { id: 'desc' },
    take,
    select: { id: true, actorLabel: true, action: true, before: true, after: true, createdAt: true },
  })
  return rows.map((r) => ({
    id: r.id.toString(),
    actorLabel: r.actorLabel,
    action: r.action,
    subject: activitySubject(r.action, r.before, r.after),
    createdAt: r.createdAt.toISOString(),
  }))
}

/** The name, text or title the audit row kept, quoted, and the new status where the event set one. */
function activitySubject(action: string, before: unknown, after: unknown): string {
  const data = (after ?? before ?? {}) as Record<string, unknown>
  const named = data.text ?? data.name ?? data.title ?? data.environment
  const showStatus = typeof data.status === 'string' && (typeof named !== 'string' || action.endsWith('.setStatus'))
  const status = showStatus ? `→ ${String(data.status).toLowerCase().replace('_', ' ')}` : ''
  return [typeof named === 'string' ? `“${named}”` : '', status].filter(Boolean).join(' ')
}

export type PlanEnvironmentDTO = {
  environment: { id: string; name: string; protected: boolean }
  /** Connection names for editors; stakeholders only learn whether one is set. */
  source: { id: string; name: string } | null
  target: { id: string; name: string } | null
  configured: { source: boolean; target: boolean }
  /** Its place (1, 2…) in the plan's promotion order; null for an environment the plan has not been given. */
  order: number | null
  /** Editors: the connections they may choose from. */
  choices: { sources: { id: string; name: string }[]; targets: { id: string; name: string }[] } | null
}

/**
 * Any signed-in role: the plan's source and target per environment – every environment is listed, the plan's
 * own first in its promotion order, then the others by name.
 */
export async function listPlanEnvironments(actor: UserActor, planId: string): Promise<PlanEnvironmentDTO[]> {
  assertCan(actor, 'plan:read')
  const details = can(actor.role, 'connection:read')
  const [environments, mappings] = await Promise.all([
    db.environment.findMany({
      orderBy: { name: 'asc' },
      include: { connections: { orderBy: { name: 'asc' }, select: { id: true, name: true, role: true } } },
    }),
    db.planEnvironment.findMany({
      where: { planId },
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
      include: {
        sourceConnection: { select: { id: true, name: true } },
        targetConnection: { select: { id: true, name: true } },
      },
    }),
  ])
  const place = (id: string) => {
    const index = mappings.findIndex((x) => x.environmentId === id)
    return index < 0 ? null : index + 1
  }
  const ordered = [...environments].sort(
    (a, b) => (place(a.id) ?? Number.MAX_SAFE_INTEGER) - (place(b.id) ?? Number.MAX_SAFE_INTEGER),
  )
  return ordered.map((env) => {
    const m = mappings.find((x) => x.environmentId === env.id)
    return {
      order: place(env.id),
      environment: { id: env.id, name: env.name, protected: env.protected },
      source: details ? (m?.sourceConnection ?? null) : null,
      target: details ? (m?.targetConnection ?? null) : null,
      configured: { source: !!m?.sourceConnection, target: !!m?.targetConnection },
      choices: details
        ? {
            sources: env.connections.filter((c) => c.role === 'SOURCE').map(({ id, name }) => ({ id, name })),
            targets: env.connections.filter((c) => c.role === 'TARGET').map(({ id, name }) => ({ id, name })),
          }
        : null,
    }
  })
}

const NO_STEP_DETAILS = {
  rollbackBody: null,
  statementTimeoutSeconds: null,
  lockTimeoutMs: null,
  requireChecklist: false,
  copy: null,
  validate: null,
  observe: null,
  backup: null,
  sync: null,
  cutover: null,
  lint: null,
  lintOverride: null,
} as const

function stepDTO(s: Step & { lintOverrideBy: { name: string } | null }): StepDTO {
  const config = { ...sqlConfigOf(s.config), ...manualConfigOf(s.config) }
  const lint = s.kind === 'SQL' ? parseLintReport(s.lint, s.name) : null
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    body: s.body,
    language: null,
    isDraft: s.isDraft,
    rollbackBody: s.rollbackBody,
    statementTimeoutSeconds: config.statementTimeoutMs ? Math.round(config.statementTimeoutMs / 1000) : null,
    lockTimeoutMs: config.lockTimeoutMs ?? null,
    requireChecklist: !!config.requireChecklist,
    copy: s.kind === 'COPY' ? copyConfigOf(s.config) : null,
    validate: s.kind === 'VALIDATE' ? validateConfigOf(s.config) : null,
    observe: s.kind === 'OBSERVE' ? observeConfigOf(s.config) : null,
    backup: s.kind === 'BACKUP' ? backupConfigOf(s.config) : null,
    sync: s.kind === 'SYNC' ? syncConfigOf(s.config) : null,
    cutover: s.kind === 'CUTOVER' ? cutoverConfigOf(s.config) : null,
    lint: lint ? lintDTO(lint) : null,
    lintOverride:
      s.lintOverrideReason && s.lintOverrideAt
        ? { reason: s.lintOverrideReason, byName: s.lintOverrideBy?.name ?? null, at: s.lintOverrideAt.toISOString() }
        : null,
  }
}
