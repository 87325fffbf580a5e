import type { RunStatus } from '@/lib/generated/prisma/enums'
import { UNRESOLVED_RUN_STATES } from './states/run'

// How far a phase and a plan have come, from their checklists and their runs – one definition for the plan
// page, the plan list, the status report and the portfolio.
//
// A phase's steps are executed by runs on the plan's environments; the plan's *last* environment is where the
// work counts as done (its protected environment, production, if it has one; otherwise the environment given to
// it last). Dry runs change nothing and count for nothing.

export type PhaseStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'FAILED' | 'DONE' | 'BLOCKED'

export type LatestRun = { status: RunStatus; environment: string }

export type PhaseFacts = {
  blockedReason: string | null
  /** A person marked the phase done. */
  completedAt: Date | string | null
  itemsDone: number
  itemsTotal: number
  /** Required checklist items still open. */
  requiredOpen: number
  /** The phase's steps (not removed). */
  steps: number
  /** The latest run of the phase on each environment. */
  latestRuns: readonly LatestRun[]
  /** The status of the latest run on the plan's last environment, and how many of its steps ended well. */
  finalRun: { status: RunStatus; stepsDone: number } | null
}

/** Its steps ran successfully on the plan's last environment, and no required item is open. */
export const ranToTheEnd = (p: PhaseFacts) => p.steps > 0 && p.finalRun?.status === 'SUCCEEDED' && p.requiredOpen === 0

/**
 * A lead's block wins; then done (marked done, or run to the end); then failed (the latest run on an environment
 * failed and is not resolved); then in progress (a run holds it, a run ended, or an item is ticked).
 */
export function phaseStatus(p: PhaseFacts): PhaseStatus {
  if (p.blockedReason) return 'BLOCKED'
  if (p.completedAt || ranToTheEnd(p)) return 'DONE'
  if (p.latestRuns.some((r) => UNRESOLVED_RUN_STATES.includes(r.status))) return 'FAILED'
  if (p.latestRuns.length > 0 || p.itemsDone > 0) return 'IN_PROGRESS'
  return 'NOT_STARTED'
}

/** Steps of the phase that count as done: all of a done phase's, else those the last environment's latest run got through. */
export function stepsDone(p: PhaseFacts): number {
  if (p.completedAt || ranToTheEnd(p)) return p.steps
  return Math.min(p.steps, p.finalRun?.stepsDone ?? 0)
}

/**
 * Share of the plan's work done, 0–100: checklist items (the plan's own checklists and its phases') and the
 * phases' steps, each one unit; a plan with neither counts its done phases.
 */
export function planProgress(facts: {
  itemsDone: number
  itemsTotal: number
  stepsDone: number
  stepsTotal: number
  phasesDone: number
  phasesTotal: number
}): number {
  const units = facts.itemsTotal + facts.stepsTotal
  if (units > 0) return Math.floor((100 * (facts.itemsDone + facts.stepsDone)) / units)
  if (facts.phasesTotal > 0) return Math.floor((100 * facts.phasesDone) / facts.phasesTotal)
  return 0
}
