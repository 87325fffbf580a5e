'use client'

import Link from 'next/link'
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { NotificationList } from '@/components/notifications/notification-list'
import { useMarkAllRead, useNotificationInbox, useOpenNotice } from '@/components/notifications/use-notifications'
import { cn } from '@/components/ui/cn'
import { ErrorText } from '@/components/ui/error-text'

/** The bell in the sidebar: the unread count, polled, and a panel of the latest notices. */
export function NotificationBell() {
  const { data, isError } = useNotificationInbox()
  const [open, setOpen] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const wrapper = useRef<HTMLDivElement>(null)
  const bell = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const panelId = useId()
  const openNotice = useOpenNotice()
  const markAll = useMarkAllRead()
  const unread = data?.unread ?? 0

  const close = (returnFocus: boolean) => {
    setOpen(false)
    setError(null)
    if (returnFocus) bell.current?.focus()
  }

  // Focus moves into the panel once, when it opens (not on every poll's re-render).
  useEffect(() => {
    if (open) panel.current?.focus()
  }, [open])

  // A click anywhere else closes the panel, as a menu would; focus stays where the click put it.
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !wrapper.current?.contains(event.target)) {
        setOpen(false)
        setError(null)
      }
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation()
      close(true)
    }
  }

  return (
    <div
      ref={wrapper}
      className="no-print relative"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        // Tabbing out of the panel closes it; focus lost to nothing (another window) does not.
        if (open && event.relatedTarget instanceof Node && !event.currentTarget.contains(event.relatedTarget))
          close(false)
      }}
    >
      <button
        ref={bell}
        type="button"
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close(false) : setOpen(true))}
        className={cn(
          'relative inline-flex size-8 items-center justify-center rounded-md text-zinc-300 hover:bg-zinc-800 hover:text-white',
          open && 'bg-zinc-800 text-white',
        )}
      >
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.8}
          strokeLinecap="round"
          strokeLinejoin="round"
          className="size-5"
        >
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread ? (
          <span
            aria-hidden
            data-testid="notification-badge"
            className="absolute -top-1 -right-1 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-400 px-1 text-xs leading-5 font-semibold text-zinc-900 tabular-nums"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="dialog"
          aria-labelledby={`${panelId}-title`}
          tabIndex={-1}
          ref={panel}
          className="absolute top-full right-0 z-50 mt-2 flex max-h-[min(32rem,calc(100vh-2rem))] w-[min(24rem,calc(100vw-1.5rem))] flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white text-zinc-900 shadow-xl md:top-0 md:right-auto md:left-full md:mt-0 md:ml-3 md:w-96"
        >
          <div className="flex items-center justify-between gap-2 border-b border-zinc-100 px-4 py-3">
            <h2 id={`${panelId}-title`} className="text-sm font-semibold">
              Notifications
            </h2>
            <button
              type="button"
              disabled={!unread}
              onClick={async () => setError(await markAll())}
              className="rounded px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:text-zinc-400 disabled:hover:bg-transparent"
            >
              Mark all read
            </button>
          </div>
          <ErrorText message={error} className="px-4 pt-2" />
          <div className="min-h-0 flex-1 overflow-y-auto">
            {!data ? (
              <p className="px-4 py-6 text-center text-sm text-zinc-500">
                {isError ? 'Notifications are unavailable right now.' : 'Loading…'}
              </p>
            ) : data.items.length === 0 ? (
              <p className="px-4 py-6 text-center text-sm text-zinc-500">Nothing new.</p>
            ) : (
              <NotificationList
                items={data.items}
                onOpen={(notice, event) => {
                  setOpen(false)
                  void openNotice(notice, event)
                }}
              />
            )}
          </div>
          <div className="border-t border-zinc-100 px-4 py-2 text-sm">
            <Link
              href="/notifications"
              onClick={() => setOpen(false)}
              className="font-medium text-indigo-700 hover:underline"
            >
              All notifications
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  )
}
