import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// Read state is one person's bookkeeping of their own notices – it changes no plan, window or run, and
// nobody else sees it – so marking read writes no audit event (it would bury real changes in noise).
// Ownership is part of every lookup: another person's notice answers exactly like a missing one.

/** Every role, its own notice only: marks it read (again is harmless; the first read time is kept). */
export async function markNotificationRead(
  actor: UserActor,
  notificationId: string,
  now = new Date(),
): Promise<{ id: string }> {
  assertCan(actor, 'notification:read')
  if (!ZId.safeParse(notificationId).success) throw notFound('Notification')
  const { count } = await db.notification.updateMany({
    where: { id: notificationId, userId: actor.id, readAt: null },
    data: { readAt: now },
  })
  if (
    !count &&
    !(await db.notification.findFirst({ where: { id: notificationId, userId: actor.id }, select: { id: true } }))
  )
    throw notFound('Notification')
  return { id: notificationId }
}

/** Every role: marks all of its own unread notices read, and says how many. */
export async function markAllNotificationsRead(actor: UserActor, now = new Date()): Promise<{ count: number }> {
  assertCan(actor, 'notification:read')
  const { count } = await db.notification.updateMany({
    where: { userId: actor.id, readAt: null },
    data: { readAt: now },
  })
  return { count }
}
