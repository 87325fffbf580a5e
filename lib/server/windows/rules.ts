import { z } from 'zod'
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

export const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) =>
  a.startsAt < b.endsAt && b.startsAt < a.endsAt

export type RunPermission = { allowed: true; windowId: string | null } | { allowed: false; reason: string }

/** An approved window with what it was approved for: its plan, its phase when named, the phases' content then. */
export type ScopedWindow = WindowFacts & {
  id: string
  planId: string
  phaseId: string | null
  approvedContent: unknown
  plan: { title: string }
  phase: { name: string } | null
}

/** What a run is: its plan and phase, and the phaseChecksum of the steps it executes. */
export type RunScope = { planId: string; phaseId: string; phaseName: string; contentChecksum: string | null }

const span = (w: WindowFacts) => `${w.startsAt.toISOString()} – ${w.endsAt.toISOString()}`
const covers = (w: ScopedWindow, scope: RunScope) =>
  w.planId === scope.planId && (w.phaseId === null || w.phaseId === scope.phaseId)
// MaintenanceWindow.approvedContent: phase id → checksum of the phase's steps as approved. Anything else in the
// column approves nothing (the run is refused), so a damaged value never opens a protected environment.
const ZApprovedContent = z.record(z.string(), z.string())
const approvedChecksum = (w: ScopedWindow, phaseId: string): string | undefined => {
  const content = ZApprovedContent.safeParse(w.approvedContent)
  return content.success ? content.data[phaseId] : undefined
}

/**
 * The rule the execution engine relies on: an unprotected environment needs no window; a protected one
 * may run a phase only inside an approved window for that plan (and phase, when the window names one)
 * that is active now, before its latest start time, and approved for exactly the steps the run executes.
 */
export function mayStartRun(
  environment: { name: string; protected: boolean },
  windows: ScopedWindow[],
  now: Date,
  scope: RunScope,
): RunPermission {
  if (!environment.protected) return { allowed: true, windowId: null }
  const approved = windows.filter((w) => w.status === 'APPROVED')
  const open = approved.filter((w) => w.startsAt <= now && now < w.endsAt)
  const active = open.find((w) => covers(w, scope))
  if (!active) {
    const other = open[0]
    if (other) {
      const its = other.phase
        ? `the phase “${other.phase.name}” of “${other.plan.title}”`
        : `the plan “${other.plan.title}”`
      return {
        allowed: false,
        reason: `The approved maintenance window on “${environment.name}” (${span(other)}) is for ${its}; it does not authorize “${scope.phaseName}”. Request a window for this phase.`,
      }
    }
    const next = approved
      .filter((w) => w.startsAt > now && covers(w, scope))
      .sort((a, b) => +a.startsAt - +b.startsAt)[0]
    return {
      allowed: false,
      reason: `“${environment.name}” is protected: runs need an approved maintenance window for this plan that is active now${next ? ` (the next one opens ${next.startsAt.toISOString()})` : ''}.`,
    }
  }
  if (now > active.latestStartAt)
    return {
      allowed: false,
      reason: `The maintenance window on “${environment.name}” allows no new runs after ${active.latestStartAt.toISOString()}.`,
    }
  if (!scope.contentChecksum || approvedChecksum(active, scope.phaseId) !== scope.contentChecksum) {
    return {
      allowed: false,
      reason: `The steps of “${scope.phaseName}” are not the ones the maintenance window on “${environment.name}” (${span(active)}) was approved for; a DBA must approve the window again.`,
    }
  }
  return { allowed: true, windowId: active.id }
}

/**
 * What else reaches a protected environment's databases – a restore over one, a validation that runs a plan's
 * rules there – needs what a run there needs: an approved window for the plan that is active now and before
 * its latest start (any of its phases: such work is not a phase's change).
 */
export function mayWorkOnPlan(
  environment: { name: string; protected: boolean },
  windows: ScopedWindow[],
  now: Date,
  planId: string | null,
  what: 'a restore' | 'a validation',
): RunPermission {
  if (!environment.protected) return { allowed: true, windowId: null }
  const open = windows.filter((w) => w.status === 'APPROVED' && w.startsAt <= now && now < w.endsAt)
  const active = open.find((w) => w.planId === planId)
  if (!active) {
    const other = open[0]
    const why = other ? ` The approved window open now (${span(other)}) is for the plan “${other.plan.title}”.` : ''
    return {
      allowed: false,
      reason: `“${environment.name}” is protected: ${what} there needs an approved maintenance window for ${what === 'a restore' ? "the backup's plan" : 'the plan'} that is active now.${why}`,
    }
  }
  if (now > active.latestStartAt)
    return {
      allowed: false,
      reason: `The maintenance window on “${environment.name}” allows no new work after ${active.latestStartAt.toISOString()}.`,
    }
  return { allowed: true, windowId: active.id }
}
