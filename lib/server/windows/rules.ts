import type { WindowStatus } from '@/lib/generated/prisma/enums'

// Pure rules of maintenance windows.

export type WindowFacts = { status: WindowStatus; startsAt: Date; endsAt: Date; latestStartAt: Date }

/** What a window is now, whether or not the sweep has written EXPIRED yet. */
export type WindowState = 'PENDING' | 'UPCOMING' | 'ACTIVE' | 'PAST' | 'REJECTED' | 'CANCELLED' | 'EXPIRED'

export function windowState(w: WindowFacts, now: Date): WindowState {
  if (w.status === 'REJECTED' || w.status === 'CANCELLED') return w.status
  if (w.status === 'REQUESTED') return w.latestStartAt <= now ? 'EXPIRED' : 'PENDING'
  if (w.status === 'EXPIRED') return w.endsAt <= now ? 'PAST' : 'EXPIRED'
  if (w.endsAt <= now) return 'PAST'
  return w.startsAt <= now ? 'ACTIVE' : 'UPCOMING'
}

export const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt

export type RunPermission = { allowed: true; windowId: string | null } | { allowed: false; reason: string }

/**
 * The rule the execution engine relies on: an unprotected environment needs no window; a protected one
 * may start a run only inside an approved window that is active now and before its latest start time.
 */
export function mayStartRun(environment: { name: string; protected: boolean }, windows: (WindowFacts & { id: string })[], now: Date): RunPermission {
  if (!environment.protected) return { allowed: true, windowId: null }
  const approved = windows.filter((w) => w.status === 'APPROVED')
  const active = approved.find((w) => w.startsAt <= now && now < w.endsAt)
  if (!active) {
    const next = approved.filter((w) => w.startsAt > now).sort((a, b) => +a.startsAt - +b.startsAt)[0]
    return { allowed: false, reason: `“${environment.name}” is protected: runs need an approved maintenance window that is active now${next ? ` (the next one opens ${next.startsAt.toISOString()})` : ''}.` }
  }
  if (now > active.latestStartAt) return { allowed: false, reason: `The maintenance window on “${environment.name}” allows no new runs after ${active.latestStartAt.toISOString()}.` }
  return { allowed: true, windowId: active.id }
}
