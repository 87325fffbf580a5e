import 'server-only'
import { db, Prisma, type Tx } from '@/lib/db'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, invalid, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { approversOf, notify, resolveWindowNotices } from '@/lib/server/notifications/notify'
import { clipNotice, windowSpan } from '@/lib/server/notifications/rules'
import { contentOfPhases, SCOPED_WINDOWS } from '@/lib/server/runs/content'
import type { WindowStatus } from '@/lib/generated/prisma/enums'
import { mayStartRun, type RunPermission } from './rules'
import { transitionWindow } from './transition'
import { emitWindowEvent } from '@/lib/server/webhooks/payloads'
import type { TDecideWindow, TRejectWindow, TRequestWindow } from './schemas'
import { assertRecentSecondFactorInTx, reauthenticate } from '@/lib/server/users/reauthenticate'

// Maintenance windows: leads and DBAs request, DBAs decide (never on their own request), the requester
// or a DBA cancels, and the worker expires what has passed. Each transition is one audited transaction,
// and the people it concerns (the approvers of a request, the requester of a decision) are told in it.

// Windows have no page of their own; the list shows each with its decision.
const WINDOWS_HREF = '/windows'

const snapshot = (w: { status: string; startsAt: Date; endsAt: Date; latestStartAt: Date }) => ({
  status: w.status,
  startsAt: w.startsAt.toISOString(),
  endsAt: w.endsAt.toISOString(),
  latestStartAt: w.latestStartAt.toISOString(),
})

export async function requestWindow(
  actor: UserActor,
  input: TRequestWindow,
  now = new Date(),
): Promise<{ id: string }> {
  if (input.endsAt <= now)
    throw invalid('Please correct the highlighted fields.', { endsAt: ['The window must end in the future.'] })
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'window:request')
    const environment = await tx.environment.findUnique({ where: { id: input.environmentId } })
    if (!environment) throw notFound('Environment')
    const plan = await tx.plan.findUnique({
      where: { id: input.planId },
      include: { phases: { select: { id: true } } },
    })
    if (!plan) throw notFound('Plan')
    if (plan.status === 'ARCHIVED') throw conflict('This plan is archived; restore it to request windows for it.')
    if (input.phaseId && !plan.phases.some((p) => p.id === input.phaseId)) throw notFound('Phase')
    const w = await tx.maintenanceWindow.create({
      data: {
        environmentId: environment.id,
        planId: plan.id,
        phaseId: input.phaseId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        latestStartAt: input.latestStartAt ?? input.endsAt,
        reason: input.reason,
        expectedImpact: input.expectedImpact,
        requestedById: actor.id,
      },
    })
    await recordAudit(tx, actor, {
      action: 'window.request',
      entityType: 'MaintenanceWindow',
      entityId: w.id,
      planId: plan.id,
      after: { environment: environment.name, ...snapshot(w), reason: w.reason },
    })
    await notify(tx, await approversOf(tx, actor.id), {
      kind: 'WINDOW_AWAITING_APPROVAL',
      title: `Window on ${environment.name} awaits your approval`,
      body: clipNotice(`${plan.title}: ${windowSpan(w.startsAt, w.endsAt)}, requested by ${actor.name}. ${w.reason}`),
      href: WINDOWS_HREF,
      planId: plan.id,
      windowId: w.id,
    })
    await emitWindowEvent(tx, w.id, 'WINDOW_REQUESTED')
    return { id: w.id }
  })
}

/** The window, locked, after locking its environment: decisions on one environment happen one at a time. */
async function lockWindow(tx: Tx, windowId: string) {
  if (!ZId.safeParse(windowId).success) throw notFound('Maintenance window')
  const found = await tx.maintenanceWindow.findUnique({ where: { id: windowId }, select: { environmentId: true } })
  if (!found) throw notFound('Maintenance window')
  await tx.$queryRaw`SELECT "id" FROM "Environment" WHERE "id" = ${found.environmentId}::uuid FOR UPDATE`
  await tx.$queryRaw`SELECT "id" FROM "MaintenanceWindow" WHERE "id" = ${windowId}::uuid FOR UPDATE`
  return tx.maintenanceWindow.findUniqueOrThrow({
    where: { id: windowId },
    include: { environment: true, plan: { select: { title: true } } },
  })
}

/** The requester's notice of a decision, in the deciding transaction. */
function notifyDecision(
  tx: Tx,
  w: Awaited<ReturnType<typeof lockWindow>>,
  decider: UserActor,
  decision: 'approved' | 'rejected',
  note: string,
) {
  // The note first: a clipped body keeps the reason rather than the plan's title.
  const said = note.trim() ? `: “${note.trim()}”` : ''
  return notify(tx, [w.requestedById], {
    kind: decision === 'approved' ? 'WINDOW_APPROVED' : 'WINDOW_REJECTED',
    title: `Your window on ${w.environment.name} was ${decision}`,
    body: clipNotice(
      `${decision === 'approved' ? 'Approved' : 'Rejected'} by ${decider.name}${said}. ${w.plan.title}, ${windowSpan(w.startsAt, w.endsAt)}.`,
    ),
    href: WINDOWS_HREF,
    planId: w.planId,
  })
}

/**
 * DBAs: approves a requested window. Refused for the requester, for a window whose latest start has
 * passed, without the typed environment name on a protected environment, and when it overlaps an
 * approved window of the same environment – checked under the environment's row lock, so two
 * concurrent approvals cannot both pass.
 */
export async function approveWindow(actor: UserActor, input: TDecideWindow, now = new Date()): Promise<{ id: string }> {
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'window:approve')
    const w = await lockWindow(tx, input.windowId)
    if (w.requestedById === actor.id) throw forbiddenSelf()
    if (w.status !== 'REQUESTED')
      throw conflict(`This window is ${w.status.toLowerCase()}; only a requested window can be approved.`)
    if (w.latestStartAt <= now)
      throw conflict('This window has expired: its latest start time has passed. Ask for a new window.')
    if (w.environment.protected && input.confirm.trim() !== w.environment.name) {
      throw invalid('Please correct the highlighted fields.', {
        confirm: [`Type “${w.environment.name}” to approve a window on a protected environment.`],
      })
    }
    if (w.environment.protected)
      await assertRecentSecondFactorInTx(tx, actor, `approve a window on “${w.environment.name}”`, now.getTime())
    const clash = await tx.maintenanceWindow.findFirst({
      where: {
        environmentId: w.environmentId,
        status: 'APPROVED',
        id: { not: w.id },
        startsAt: { lt: w.endsAt },
        endsAt: { gt: w.startsAt },
      },
    })
    if (clash)
      throw conflict(
        `It overlaps an approved window on “${w.environment.name}” (${clash.startsAt.toISOString()} – ${clash.endsAt.toISOString()}).`,
      )
    // The approval is for the steps as they are now: of the phase it names, or of every phase of the plan.
    const phaseIds = w.phaseId
      ? [w.phaseId]
      : (await tx.phase.findMany({ where: { planId: w.planId }, select: { id: true } })).map((p) => p.id)
    const approvedContent = await contentOfPhases(tx, phaseIds)
    const approved = await transitionWindow(tx, w.id, 'REQUESTED', 'APPROVED', {
      decidedById: actor.id,
      decidedAt: now,
      decisionNote: input.note || null,
      approvedContent,
    })
    await recordAudit(tx, actor, {
      action: 'window.approve',
      entityType: 'MaintenanceWindow',
      entityId: w.id,
      planId: w.planId,
      before: snapshot(w),
      after: { ...snapshot(approved), note: input.note },
    })
    await notifyDecision(tx, w, actor, 'approved', input.note)
    await emitWindowEvent(tx, w.id, 'WINDOW_DECIDED')
    await resolveWindowNotices(tx, w.id, `approved by ${actor.name}`, now)
    return { id: w.id }
  })
}

const forbiddenSelf = () => new DomainError('FORBIDDEN', 'You requested this window; another DBA must decide on it.')

export async function rejectWindow(actor: UserActor, input: TRejectWindow, now = new Date()): Promise<{ id: string }> {
  if (!input.note.trim()) throw invalid('Please correct the highlighted fields.', { note: ['Say why it is rejected.'] })
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'window:approve')
    const w = await lockWindow(tx, input.windowId)
    if (w.requestedById === actor.id) throw forbiddenSelf()
    if (w.status !== 'REQUESTED')
      throw conflict(`This window is ${w.status.toLowerCase()}; only a requested window can be rejected.`)
    const rejected = await transitionWindow(tx, w.id, 'REQUESTED', 'REJECTED', {
      decidedById: actor.id,
      decidedAt: now,
      decisionNote: input.note,
    })
    await recordAudit(tx, actor, {
      action: 'window.reject',
      entityType: 'MaintenanceWindow',
      entityId: w.id,
      planId: w.planId,
      before: snapshot(w),
      after: { ...snapshot(rejected), note: input.note },
    })
    await notifyDecision(tx, w, actor, 'rejected', input.note)
    await emitWindowEvent(tx, w.id, 'WINDOW_DECIDED')
    await resolveWindowNotices(tx, w.id, `rejected by ${actor.name}`, now)
    return { id: w.id }
  })
}

/** The requester, or a DBA: withdraws a requested or approved window that has not ended. */
export async function cancelWindow(actor: UserActor, windowId: string, now = new Date()): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'window:request')
    const w = await lockWindow(tx, windowId)
    if (w.requestedById !== actor.id) await assertCanInTx(tx, actor, 'window:approve')
    if (!(w.status === 'REQUESTED' || w.status === 'APPROVED') || w.endsAt <= now)
      throw conflict(`This window is ${w.endsAt <= now ? 'over' : w.status.toLowerCase()}; it cannot be cancelled.`)
    const cancelled = await transitionWindow(tx, w.id, w.status, 'CANCELLED')
    await recordAudit(tx, actor, {
      action: 'window.cancel',
      entityType: 'MaintenanceWindow',
      entityId: w.id,
      planId: w.planId,
      before: snapshot(w),
      after: snapshot(cancelled),
    })
    await resolveWindowNotices(tx, w.id, `cancelled by ${actor.name}`, now)
    return { id: w.id }
  })
}

/**
 * The worker's sweep: requested windows whose latest start has passed, and approved windows that have
 * ended, become EXPIRED – each with its audit event.
 */
export async function expireWindows(actor: Actor, now = new Date()): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<
      { id: string; planId: string; status: WindowStatus; startsAt: Date; endsAt: Date; latestStartAt: Date }[]
    >`
      SELECT "id", "planId", "status"::text AS "status", "startsAt", "endsAt", "latestStartAt" FROM "MaintenanceWindow"
       WHERE ("status" = 'REQUESTED' AND "latestStartAt" <= ${now}) OR ("status" = 'APPROVED' AND "endsAt" <= ${now})
       FOR UPDATE SKIP LOCKED`
    for (const w of due) {
      await transitionWindow(tx, w.id, w.status, 'EXPIRED')
      await recordAudit(tx, actor, {
        action: 'window.expire',
        entityType: 'MaintenanceWindow',
        entityId: w.id,
        planId: w.planId,
        before: snapshot(w),
        after: { status: 'EXPIRED' },
      })
      if (w.status === 'REQUESTED')
        await resolveWindowNotices(tx, w.id, 'not decided before its latest start; it expired', now)
    }
    return due.length
  })
}

/** May a run of the phase, as its steps are now, start on this environment now? (What startRun and the worker decide.) */
export async function runPermission(phaseId: string, environmentId: string, now = new Date()): Promise<RunPermission> {
  if (!ZId.safeParse(environmentId).success) throw notFound('Environment')
  if (!ZId.safeParse(phaseId).success) throw notFound('Phase')
  const phase = await db.phase.findUnique({ where: { id: phaseId }, select: { id: true, name: true, planId: true } })
  if (!phase) throw notFound('Phase')
  const environment = await db.environment.findUnique({
    where: { id: environmentId },
    include: { windows: SCOPED_WINDOWS(now) },
  })
  if (!environment) throw notFound('Environment')
  const content = await contentOfPhases(db, [phase.id])
  return mayStartRun(environment, environment.windows, now, {
    planId: phase.planId,
    phaseId: phase.id,
    phaseName: phase.name,
    contentChecksum: content[phase.id] ?? null,
  })
}

/**
 * After a change to the steps of a phase (or of several, `phaseId` null): the approved windows that have not
 * ended and cover it go back to REQUESTED – an approval is for the steps as they were approved – each
 * audited, and the DBAs are told, in the editing transaction.
 */
export async function reopenApprovalsAfterChange(
  tx: Tx,
  actor: UserActor,
  change: { planId: string; phaseId: string | null; what: string },
  now = new Date(),
): Promise<number> {
  const covering = change.phaseId ? { OR: [{ phaseId: null }, { phaseId: change.phaseId }] } : {}
  const windows = await tx.maintenanceWindow.findMany({
    where: { planId: change.planId, status: 'APPROVED', endsAt: { gt: now }, ...covering },
    include: { environment: { select: { name: true } }, plan: { select: { title: true } } },
  })
  for (const w of windows) {
    await tx.$queryRaw`SELECT "id" FROM "MaintenanceWindow" WHERE "id" = ${w.id}::uuid FOR UPDATE`
    const note = `Sent back for approval: ${change.what} after it was approved.`
    const reopened = await transitionWindow(tx, w.id, 'APPROVED', 'REQUESTED', {
      decidedById: null,
      decidedAt: null,
      decisionNote: note,
      approvedContent: Prisma.DbNull,
    })
    await recordAudit(tx, actor, {
      action: 'window.reopen',
      entityType: 'MaintenanceWindow',
      entityId: w.id,
      planId: w.planId,
      before: snapshot(w),
      after: { ...snapshot(reopened), note },
    })
    await notify(tx, await approversOf(tx, w.requestedById), {
      kind: 'WINDOW_AWAITING_APPROVAL',
      title: `Window on ${w.environment.name} awaits your approval again`,
      body: clipNotice(`${w.plan.title}: ${windowSpan(w.startsAt, w.endsAt)}. ${note}`),
      href: WINDOWS_HREF,
      planId: w.planId,
      windowId: w.id,
    })
  }
  return windows.length
}
