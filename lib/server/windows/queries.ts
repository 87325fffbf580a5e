import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { windowState, type WindowState } from './rules'

export type WindowDTO = {
  id: string
  environment: { id: string; name: string; protected: boolean }
  plan: { id: string; title: string }
  phaseName: string | null
  startsAt: string
  endsAt: string
  latestStartAt: string
  reason: string
  expectedImpact: string
  state: WindowState
  requestedBy: { id: string; name: string }
  decidedByName: string | null
  decisionNote: string | null
  decidedAt: string | null
  /** What the viewer may do with it now. */
  canDecide: boolean
  canCancel: boolean
}

/** Everyone: the windows that matter now (pending, upcoming, active) and the last 30 days of the rest. */
export async function listWindows(actor: UserActor, now = new Date()): Promise<WindowDTO[]> {
  assertCan(actor, 'window:read')
  const since = new Date(+now - 30 * 86_400_000)
  const rows = await db.maintenanceWindow.findMany({
    where: { OR: [{ endsAt: { gte: since } }, { status: 'REQUESTED' }] },
    orderBy: { startsAt: 'asc' },
    take: 500,
    include: {
      environment: { select: { id: true, name: true, protected: true } },
      plan: { select: { id: true, title: true } },
      phase: { select: { name: true } },
      requestedBy: { select: { id: true, name: true } },
      decidedBy: { select: { name: true } },
    },
  })
  const approver = can(actor.role, 'window:approve')
  const requester = can(actor.role, 'window:request')
  return rows.map((w) => {
    const state = windowState(w, now)
    return {
      id: w.id,
      environment: w.environment,
      plan: w.plan,
      phaseName: w.phase?.name ?? null,
      startsAt: w.startsAt.toISOString(),
      endsAt: w.endsAt.toISOString(),
      latestStartAt: w.latestStartAt.toISOString(),
      reason: w.reason,
      expectedImpact: w.expectedImpact,
      state,
      requestedBy: w.requestedBy,
      decidedByName: w.decidedBy?.name ?? null,
      decisionNote: w.decisionNote,
      decidedAt: w.decidedAt?.toISOString() ?? null,
      canDecide: approver && state === 'PENDING' && w.requestedById !== actor.id,
      canCancel:
        requester &&
        (state === 'PENDING' || state === 'UPCOMING' || state === 'ACTIVE') &&
        (w.requestedById === actor.id || approver),
    }
  })
}

/** For the navigation badge: requested windows a DBA could decide now (0 for everyone else). */
export async function pendingApprovalCount(actor: UserActor, now = new Date()): Promise<number> {
  if (!can(actor.role, 'window:approve')) return 0
  return db.maintenanceWindow.count({
    where: { status: 'REQUESTED', latestStartAt: { gt: now }, requestedById: { not: actor.id } },
  })
}

/** What a window can be requested for: environments, and plans with their phases. */
export async function windowRequestOptions(actor: UserActor) {
  assertCan(actor, 'window:request')
  const [environments, plans] = await Promise.all([
    db.environment.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, protected: true } }),
    db.plan.findMany({
      where: { status: { not: 'ARCHIVED' } },
      orderBy: { updatedAt: 'desc' },
      take: 200,
      select: { id: true, title: true, phases: { orderBy: { position: 'asc' }, select: { id: true, name: true } } },
    }),
  ])
  return { environments, plans }
}
