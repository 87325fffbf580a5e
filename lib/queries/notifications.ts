import { queryOptions } from '@tanstack/react-query'
import type { NotificationInboxDTO } from '@/lib/server/notifications/queries'
import { fetchJson } from './fetch-json'

export const NOTIFICATION_POLL_MS = 20_000

/** The signed-in person's notifications, polled from /api/notifications. */
export const notificationQueries = {
  all: () => ['notifications'] as const,
  inbox: () =>
    queryOptions({
      queryKey: [...notificationQueries.all(), 'inbox'] as const,
      queryFn: () => fetchJson<NotificationInboxDTO>('/api/notifications'),
      refetchInterval: NOTIFICATION_POLL_MS,
    }),
}
