'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import type { MouseEvent } from 'react'
import { markAllNotificationsReadAction, markNotificationReadAction } from '@/lib/actions/notifications'
import { notificationQueries } from '@/lib/queries/notifications'
import type { NotificationDTO } from '@/lib/server/notifications/queries'

/** The signed-in person's unread count and latest notices, polled from /api/notifications. */
export function useNotificationInbox() {
  return useQuery(notificationQueries.inbox())
}

const isPlainClick = (event: MouseEvent) =>
  event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey

/**
 * Opening a notice marks it read, then follows it. The bell's count drops at once; the server's answer
 * settles it. A click that opens a new tab or window keeps the browser's own behaviour.
 */
export function useOpenNotice(afterMark?: () => void) {
  const client = useQueryClient()
  const router = useRouter()
  return async (notice: NotificationDTO, event: MouseEvent) => {
    const plain = isPlainClick(event)
    if (plain) event.preventDefault()
    if (!notice.read) {
      client.setQueryData(notificationQueries.inbox().queryKey, (old) =>
        old
          ? {
              unread: Math.max(0, old.unread - 1),
              items: old.items.map((n) => (n.id === notice.id ? { ...n, read: true } : n)),
            }
          : old,
      )
      // A refused mark (the notice is gone) changes nothing to show; the refetch below corrects the count.
      await markNotificationReadAction({ notificationId: notice.id })
      afterMark?.()
      void client.invalidateQueries({ queryKey: notificationQueries.all() })
    }
    if (plain) router.push(notice.href)
  }
}

/** Marks every notice read; resolves to an error message to show, or null. */
export function useMarkAllRead(afterMark?: () => void) {
  const client = useQueryClient()
  return async (): Promise<string | null> => {
    const result = await markAllNotificationsReadAction({})
    await client.invalidateQueries({ queryKey: notificationQueries.all() })
    afterMark?.()
    return result.ok ? null : result.error
  }
}
