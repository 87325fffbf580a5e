import Link from 'next/link'
import type { ReactNode } from 'react'
import { NavLinks } from '@/components/shell/nav-links'
import { NotificationBell } from '@/components/shell/notification-bell'
import { SessionKeeper } from '@/components/shell/session-keeper'
import { WorkerStatus } from '@/components/shell/worker-status'
import { SignOutButton } from '@/components/auth/sign-out-button'
import { requirePageActor } from '@/lib/auth/current-user'
import { ROLE_LABELS } from '@/lib/auth/permissions'
import { navItemsFor } from '@/lib/navigation'
import { pendingApprovalCount } from '@/lib/server/windows/queries'

// The shell only renders navigation for the role; every page and action authorizes on its own.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor()
  const pending = await pendingApprovalCount(actor)
  const items = navItemsFor(actor.role).map(({ href, label }) => ({
    href,
    label,
    badge:
      href === '/windows' && pending
        ? { count: pending, label: `${pending} window${pending === 1 ? '' : 's'} awaiting approval` }
        : undefined,
  }))
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="no-print flex w-full shrink-0 flex-col bg-zinc-900 px-3 py-4 text-white md:w-56">
        <div className="mb-3 flex items-center justify-between gap-2 px-3 md:mb-6">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Lockstep
          </Link>
          <NotificationBell />
        </div>
        <NavLinks items={items} />
        {/* On a phone the shell is a compact band above the page: links in rows, the account in one line. */}
        <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-zinc-800 px-3 pt-3 md:mt-auto md:block md:space-y-3 md:pt-4">
          <WorkerStatus />
          <SessionKeeper />
          <div className="min-w-0 text-sm">
            <p className="truncate font-medium">
              {actor.name}
              <span className="sr-only"> ({actor.email})</span>
            </p>
            <p className="text-xs text-zinc-400" data-testid="current-role">
              {ROLE_LABELS[actor.role]}
            </p>
            <span className="flex flex-wrap gap-x-3">
              <Link href="/account/security" className="text-xs text-zinc-400 hover:text-white">
                Two-factor sign-in
              </Link>
              <Link href="/account/tokens" className="text-xs text-zinc-400 hover:text-white">
                API tokens
              </Link>
            </span>
          </div>
          <SignOutButton className="text-sm text-zinc-300 hover:text-white" />
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-8 md:py-8">
        {children}
      </main>
    </div>
  )
}
