import { db, type Prisma } from '@/lib/db'
import { isOpenRisk, REPORT_STATUS_LABELS } from '@/lib/domain/report-values'
import type { ReportStatus } from '@/lib/generated/prisma/enums'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { notify } from '@/lib/server/notifications/notify'
import { planFacts } from './facts'
import { buildPlanReport, type ReportDTO } from './queries'
import { parseStoredReport } from './stored-report'

// Report snapshots – the report kept as it was, daily by the worker and on demand – and the watch on each
// plan's report status that tells people when it changes.

/** The plans a report is kept for: the ones in progress, as in the portfolio. */
const IN_PROGRESS = { status: { in: ['DRAFT', 'ACTIVE'] } } satisfies Prisma.PlanWhereInput

const utcDay = (now: Date) => new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`)

/** The row of a snapshot of `report`: its trend figures, and the risks opened and closed since `previous`. */
function snapshotRow(report: ReportDTO, previous: ReportDTO | null) {
  const open = new Set(report.risks.filter(isOpenRisk).map((r) => r.id))
  const before = new Set(previous?.risks.filter(isOpenRisk).map((r) => r.id) ?? [])
  return {
    planId: report.plan.id,
    takenAt: new Date(report.generatedAt),
    status: report.verdict.status,
    progress: report.progress,
    phasesDone: report.phases.filter((p) => p.status === 'DONE').length,
    openRisks: open.size,
    criticalRisks: report.risks.filter((r) => r.critical).length,
    risksOpened: previous ? [...open].filter((id) => !before.has(id)).length : open.size,
    risksClosed: [...before].filter((id) => !open.has(id)).length,
    report: report as unknown as Prisma.InputJsonValue,
  }
}

async function previousReport(planId: string, before: Date): Promise<ReportDTO | null> {
  const previous = await db.reportSnapshot.findFirst({
    where: { planId, takenAt: { lte: before } },
    orderBy: { takenAt: 'desc' },
    select: { id: true, report: true },
  })
  return previous ? parseStoredReport(previous.report, previous.id) : null
}

/** Editors: takes a snapshot of the plan's report now, audited. */
export async function takeSnapshot(actor: UserActor, planId: string, now = new Date()): Promise<{ id: string }> {
  assertCan(actor, 'plan:edit')
  if (!ZId.safeParse(planId).success || !(await db.plan.count({ where: { id: planId } }))) throw notFound('Plan')
  const report = await buildPlanReport(planId, now)
  const row = snapshotRow(report, await previousReport(planId, now))
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'plan:edit')
    const snapshot = await tx.reportSnapshot.create({ data: { ...row, takenById: actor.id }, select: { id: true } })
    await recordAudit(tx, actor, {
      action: 'report.snapshot',
      entityType: 'ReportSnapshot',
      entityId: snapshot.id,
      planId,
      after: { status: row.status, progress: row.progress, openRisks: row.openRisks },
    })
    return snapshot
  })
}

/** The worker: today's snapshot of every plan in progress that has none yet (one per plan and UTC day, whoever takes it). */
export async function takeDailySnapshots(now = new Date()): Promise<number> {
  const day = utcDay(now)
  const plans = await db.plan.findMany({
    where: { ...IN_PROGRESS, snapshots: { none: { day } } },
    select: { id: true },
  })
  let taken = 0
  for (const { id } of plans) {
    const report = await buildPlanReport(id, now).catch(() => null) // deleted meanwhile
    if (!report) continue
    const { count } = await db.reportSnapshot.createMany({
      data: [{ ...snapshotRow(report, await previousReport(id, now)), day }],
      skipDuplicates: true,
    })
    taken += count
  }
  return taken
}

/**
 * The worker: re-decides the report status of every plan in progress (and of those that just left it),
 * and when one changed, records it and notifies the plan's owner and the stakeholders – once, even with
 * several workers, since the change is a compare-and-set on the status last seen. A plan seen for the
 * first time only has its status noted.
 */
export async function watchReportStatuses(actor: Actor, now = new Date()): Promise<number> {
  const plans = await db.plan.findMany({
    where: {
      OR: [
        IN_PROGRESS,
        { reportStatus: { notIn: ['DONE', 'ROLLED_BACK'] }, status: { in: ['COMPLETED', 'ROLLED_BACK'] } },
      ],
    },
    select: { id: true, title: true, ownerId: true, reportStatus: true },
  })
  const facts = await planFacts(
    plans.map((p) => p.id),
    now,
  )
  let changed = 0
  for (const plan of plans) {
    const verdict = facts.get(plan.id)?.verdict
    if (!verdict || verdict.status === plan.reportStatus) continue
    const was: ReportStatus | null = plan.reportStatus
    await db.$transaction(async (tx) => {
      // Raw, so the plan's updatedAt (the plan list's order: "last edited") stays a person's edit.
      const count = await tx.$executeRaw`
        UPDATE "Plan" SET "reportStatus" = ${verdict.status}::"ReportStatus"
         WHERE "id" = ${plan.id}::uuid AND "reportStatus" IS NOT DISTINCT FROM ${was}::"ReportStatus"`
      if (!count || !was) return
      changed++
      await recordAudit(tx, actor, {
        action: 'report.status',
        entityType: 'Plan',
        entityId: plan.id,
        planId: plan.id,
        before: { status: was },
        after: { status: verdict.status, reasons: verdict.reasons },
      })
      const stakeholders = await tx.user.findMany({
        where: { role: 'STAKEHOLDER', isActive: true },
        select: { id: true },
      })
      await notify(tx, [plan.ownerId, ...stakeholders.map((u) => u.id)], {
        kind: 'PLAN_STATUS_CHANGED',
        title: `“${plan.title}” is now ${REPORT_STATUS_LABELS[verdict.status].toLowerCase()} (was ${REPORT_STATUS_LABELS[was].toLowerCase()})`,
        body: verdict.reasons.slice(0, 2).join(' '),
        href: `/plans/${plan.id}/report`,
        planId: plan.id,
      })
    })
  }
  return changed
}
