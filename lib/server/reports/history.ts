import { cache } from 'react'
import { db } from '@/lib/db'
import type { ReportStatus } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { reportChanges, type ReportChange } from './changes'
import { buildPlanReport, type ReportDTO } from './queries'
import { parseStoredReport } from './stored-report'

// Reads of a plan's report history: the trend drawn from every snapshot's figures (never their documents),
// what changed since the latest snapshot, and any snapshot opened as it was.

export type SnapshotPointDTO = {
  id: string
  takenAt: string
  daily: boolean
  takenByName: string | null
  status: ReportStatus
  progress: number
  phasesDone: number
  openRisks: number
  criticalRisks: number
  risksOpened: number
  risksClosed: number
}

export type ReportPageDTO = {
  report: ReportDTO
  trend: SnapshotPointDTO[]
  /** The latest snapshot and what changed since; null before the first one. */
  since: { id: string; takenAt: string; changes: ReportChange[] } | null
}

const POINT_SELECT = {
  id: true,
  takenAt: true,
  day: true,
  takenBy: { select: { name: true } },
  status: true,
  progress: true,
  phasesDone: true,
  openRisks: true,
  criticalRisks: true,
  risksOpened: true,
  risksClosed: true,
} as const

type PointRow = { id: string; takenAt: Date; day: Date | null; takenBy: { name: string } | null } & Omit<
  SnapshotPointDTO,
  'id' | 'takenAt' | 'daily' | 'takenByName'
>

const toPointDTO = ({ takenAt, day, takenBy, ...rest }: PointRow): SnapshotPointDTO => ({
  ...rest,
  takenAt: takenAt.toISOString(),
  daily: day !== null,
  takenByName: takenBy?.name ?? null,
})

/**
 * Everyone: a plan's report as of now, with its trend and what changed since the latest snapshot.
 * Cached per request, so the page's title and body build it once.
 */
export const getReportPage = cache(
  async (actor: UserActor, planId: string, now = new Date()): Promise<ReportPageDTO> => {
    assertCan(actor, 'report:read')
    if (!ZId.safeParse(planId).success) throw notFound('Plan')
    const [report, points, latest] = await Promise.all([
      buildPlanReport(planId, now),
      db.reportSnapshot.findMany({ where: { planId }, orderBy: { takenAt: 'asc' }, select: POINT_SELECT }),
      db.reportSnapshot.findFirst({
        where: { planId },
        orderBy: { takenAt: 'desc' },
        select: { id: true, takenAt: true, report: true },
      }),
    ])
    return {
      report,
      trend: points.map(toPointDTO),
      since: latest
        ? {
            id: latest.id,
            takenAt: latest.takenAt.toISOString(),
            changes: reportChanges(parseStoredReport(latest.report, latest.id), report),
          }
        : null,
    }
  },
)

export type SnapshotDTO = {
  snapshot: SnapshotPointDTO
  report: ReportDTO
  previous: { id: string; takenAt: string } | null
  next: { id: string; takenAt: string } | null
  /** What changed since the snapshot before it; null for the first. */
  changes: ReportChange[] | null
}

/** Everyone: one snapshot of a plan's report, as it was when taken. A snapshot of another plan is not found. */
export async function getSnapshot(actor: UserActor, planId: string, snapshotId: string): Promise<SnapshotDTO> {
  assertCan(actor, 'report:read')
  if (!ZId.safeParse(planId).success || !ZId.safeParse(snapshotId).success) throw notFound('Snapshot')
  const snapshot = await db.reportSnapshot.findFirst({
    where: { id: snapshotId, planId },
    select: { ...POINT_SELECT, report: true },
  })
  if (!snapshot) throw notFound('Snapshot')
  const [previous, next] = await Promise.all([
    db.reportSnapshot.findFirst({
      where: { planId, takenAt: { lt: snapshot.takenAt } },
      orderBy: { takenAt: 'desc' },
      select: { id: true, takenAt: true, report: true },
    }),
    db.reportSnapshot.findFirst({
      where: { planId, takenAt: { gt: snapshot.takenAt } },
      orderBy: { takenAt: 'asc' },
      select: { id: true, takenAt: true },
    }),
  ])
  const { report, ...point } = snapshot
  const before = parseStoredReport(report, snapshot.id)
  return {
    snapshot: toPointDTO(point),
    report: before,
    previous: previous ? { id: previous.id, takenAt: previous.takenAt.toISOString() } : null,
    next: next ? { id: next.id, takenAt: next.takenAt.toISOString() } : null,
    changes: previous ? reportChanges(parseStoredReport(previous.report, previous.id), before) : null,
  }
}

/** Everyone: every snapshot of a plan, newest first, with the plan's title. */
export async function listSnapshots(
  actor: UserActor,
  planId: string,
): Promise<{ planTitle: string; snapshots: SnapshotPointDTO[] }> {
  assertCan(actor, 'report:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: { title: true, snapshots: { orderBy: { takenAt: 'desc' }, select: POINT_SELECT } },
  })
  if (!plan) throw notFound('Plan')
  return { planTitle: plan.title, snapshots: plan.snapshots.map(toPointDTO) }
}
