import 'server-only'
import { db, type Prisma } from '@/lib/db'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { internalHref } from './rules'

export type NotificationDTO = {
  id: string
  kind: NotificationKind
  title: string
  body: string
  href: string
  createdAt: string
  read: boolean
}

export type NotificationInboxDTO = { unread: number; items: NotificationDTO[] }

export const NOTIFICATION_SELECT = {
  id: true,
  kind: true,
  title: true,
  body: true,
  href: true,
  createdAt: true,
  readAt: true,
} as const satisfies Prisma.NotificationSelect

type NotificationRow = Prisma.NotificationGetPayload<{ select: typeof NOTIFICATION_SELECT }>

export function toNotificationDTO(row: NotificationRow): NotificationDTO {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    href: internalHref(row.href),
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  }
}

export const MAX_NOTIFICATIONS = 100

/** Every role, its own notices only: newest first, at most `limit` (1–100). */
export async function listNotifications(
  actor: UserActor,
  { limit = 20 }: { limit?: number } = {},
): Promise<NotificationDTO[]> {
  assertCan(actor, 'notification:read')
  const rows = await db.notification.findMany({
    where: { userId: actor.id },
    // Ids are time-ordered (UUIDv7): the tie-break keeps notices of one transaction in a stable order.
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(1, Math.trunc(limit)), MAX_NOTIFICATIONS),
    select: NOTIFICATION_SELECT,
  })
  return rows.map(toNotificationDTO)
}

/** Every role: how many of its own notices it has not read. */
export async function unreadCount(actor: UserActor): Promise<number> {
  assertCan(actor, 'notification:read')
  return db.notification.count({ where: { userId: actor.id, readAt: null } })
}

/** Every role: the bell's view of its own notices – the unread count and the latest `limit`. */
export async function getNotificationInbox(
  actor: UserActor,
  { limit = 20 }: { limit?: number } = {},
): Promise<NotificationInboxDTO> {
  const [unread, items] = await Promise.all([unreadCount(actor), listNotifications(actor, { limit })])
  return { unread, items }
}
