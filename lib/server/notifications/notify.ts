import type { Tx } from '@/lib/db'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import { queueNoticeEmails } from './outbox'
import { clipNotice, windowSpan } from './rules'

/** `windowId`: the maintenance window a notice asks a decision on (see resolveWindowNotices). */
export type Notice = {
  kind: NotificationKind
  title: string
  body?: string
  href: string
  planId?: string | null
  windowId?: string | null
}

/**
 * Leaves `notice` for each of `userIds` (deduplicated; inactive people skipped), and queues its email for
 * those who chose its kind by email (./outbox.ts). Call it with the transaction that makes the change the
 * notice is about, so there is never a notice – or an email – of a change that did not happen.
 */
export async function notify(tx: Tx, userIds: readonly (string | null | undefined)[], notice: Notice): Promise<number> {
  const ids = [...new Set(userIds.filter((id): id is string => Boolean(id)))]
  if (!ids.length) return 0
  const active = await tx.user.findMany({ where: { id: { in: ids }, isActive: true }, select: { id: true } })
  const left = await tx.notification.createManyAndReturn({
    data: active.map((u) => ({
      userId: u.id,
      kind: notice.kind,
      title: notice.title,
      body: notice.body ?? '',
      href: notice.href,
      planId: notice.planId ?? null,
      windowId: notice.windowId ?? null,
    })),
    select: { id: true, userId: true, kind: true, title: true, body: true, href: true },
  })
  await queueNoticeEmails(tx, left)
  return left.length
}

/** The active people who may decide maintenance windows (DBAs and admins), but not `except` – nobody approves their own request. */
export async function approversOf(tx: Tx, except: string | null): Promise<string[]> {
  const rows = await tx.user.findMany({
    where: { role: { in: ['DBA', 'ADMIN'] }, isActive: true, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  })
  return rows.map((r) => r.id)
}

/**
 * Once a window is decided, cancelled or expires, no approver is asked to decide it any more: every open
 * notice asking for it is resolved – read, and saying what became of the window (`outcome`: "approved by
 * Dana"). Call it in the transaction that changes the window.
 */
export async function resolveWindowNotices(
  tx: Tx,
  windowId: string,
  outcome: string,
  now = new Date(),
): Promise<number> {
  const open = { windowId, kind: 'WINDOW_AWAITING_APPROVAL', resolvedAt: null } as const
  const w = await tx.maintenanceWindow.findUnique({
    where: { id: windowId },
    select: {
      startsAt: true,
      endsAt: true,
      environment: { select: { name: true } },
      plan: { select: { title: true } },
    },
  })
  if (!w) return 0
  await tx.notification.updateMany({ where: { ...open, readAt: null }, data: { readAt: now } })
  const { count } = await tx.notification.updateMany({
    where: open,
    data: {
      resolvedAt: now,
      title: `Window on ${w.environment.name} was ${outcome}`,
      body: clipNotice(`It no longer awaits your approval. ${w.plan.title}: ${windowSpan(w.startsAt, w.endsAt)}.`),
    },
  })
  return count
}
