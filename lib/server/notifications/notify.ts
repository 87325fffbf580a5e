import type { Tx } from '@/lib/db'
import type { NotificationKind } from '@/lib/generated/prisma/enums'

export type Notice = { kind: NotificationKind; title: string; body?: string; href: string; planId?: string | null }

/**
 * Leaves `notice` for each of `userIds` (deduplicated; inactive people skipped). Call it with the
 * transaction that makes the change the notice is about, so there is never a notice of a change that
 * did not happen.
 */
export async function notify(tx: Tx, userIds: readonly (string | null | undefined)[], notice: Notice): Promise<number> {
  const ids = [...new Set(userIds.filter((id): id is string => Boolean(id)))]
  if (!ids.length) return 0
  const active = await tx.user.findMany({ where: { id: { in: ids }, isActive: true }, select: { id: true } })
  const { count } = await tx.notification.createMany({
    data: active.map((u) => ({ userId: u.id, kind: notice.kind, title: notice.title, body: notice.body ?? '', href: notice.href, planId: notice.planId ?? null })),
  })
  return count
}

/** The active people who may decide maintenance windows (DBAs and admins), but not `except` – nobody approves their own request. */
export async function approversOf(tx: Tx, except: string | null): Promise<string[]> {
  const rows = await tx.user.findMany({ where: { role: { in: ['DBA', 'ADMIN'] }, isActive: true, ...(except ? { id: { not: except } } : {}) }, select: { id: true } })
  return rows.map((r) => r.id)
}
