'use client'

import type { MouseEvent } from 'react'
import { cn } from '@/components/ui/cn'
import { Timestamp } from '@/components/ui/timestamp'
import type { NotificationDTO } from '@/lib/server/notifications/queries'

/** Notices, newest first; unread ones stand out by a dot, weight and tint (and say so to screen readers). */
export function NotificationList({
  items,
  onOpen,
}: {
  items: NotificationDTO[]
  onOpen: (notice: NotificationDTO, event: MouseEvent) => void
}) {
  return (
    <ul className="divide-y divide-zinc-100" aria-label="Notices">
      {items.map((n) => (
        <li key={n.id} data-testid="notification" data-read={n.read ? 'true' : 'false'}>
          <a
            href={n.href}
            onClick={(event) => onOpen(n, event)}
            className={cn(
              'flex gap-3 px-4 py-3 text-left text-sm hover:bg-zinc-50 focus-visible:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600',
              !n.read && 'bg-indigo-50/60',
            )}
          >
            <span
              aria-hidden
              className={cn(
                'mt-1.5 inline-block size-2 shrink-0 rounded-full',
                n.read ? 'bg-transparent' : 'bg-indigo-600',
              )}
            />
            <span className="min-w-0 flex-1">
              <span className={cn('block text-zinc-900', !n.read && 'font-semibold')}>
                {n.read ? null : <span className="sr-only">Unread: </span>}
                {n.title}
              </span>
              {n.body ? <span className="mt-0.5 block break-words text-zinc-600">{n.body}</span> : null}
              <span className="mt-1 block text-xs text-zinc-500">
                <Timestamp iso={n.createdAt} />
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  )
}
