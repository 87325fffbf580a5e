'use client'

import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { ErrorText } from '@/components/ui/error-text'
import type { NotificationDTO } from '@/lib/server/notifications/queries'
import { NotificationList } from './notification-list'
import { useMarkAllRead, useOpenNotice } from './use-notifications'

/** The notifications page's list with its read state, and the same "Mark all read" as the bell. */
export function NotificationsView({ items, unread }: { items: NotificationDTO[]; unread: number }) {
  const router = useRouter()
  const refresh = () => router.refresh()
  const openNotice = useOpenNotice(refresh)
  const markAll = useMarkAllRead(refresh)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  if (items.length === 0)
    return (
      <EmptyState title="Nothing new.">
        Notices of windows to decide, decisions on your windows and failed runs appear here.
      </EmptyState>
    )
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600" data-testid="unread-summary">
          {unread ? `${unread} unread` : 'All read.'}
        </p>
        <Button
          size="sm"
          variant="secondary"
          disabled={!unread || pending}
          onClick={async () => {
            setPending(true)
            setError(await markAll())
            setPending(false)
          }}
        >
          Mark all read
        </Button>
      </div>
      <ErrorText message={error} />
      <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
        <NotificationList items={items} onOpen={(notice, event) => void openNotice(notice, event)} />
      </div>
    </div>
  )
}
