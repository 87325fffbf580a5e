import type { RunStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The run's state machine. The worker moves a run while it holds it (claim, steps, a gate, the end, a
// rollback); people move it when no worker does (cancel, release a gate, the decisions on a failed run).
// Every write goes through transitionRun (lib/server/runs/transition.ts), which checks this table.

export const RUN_TRANSITIONS = {
  QUEUED: ['RUNNING', 'CANCELLED'],
  // A cancel of a running run is a request the worker answers: it ends the run CANCELLED itself.
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'WAITING', 'INTERRUPTED', 'ROLLING_BACK'],
  WAITING: ['QUEUED', 'CANCELLED'],
  INTERRUPTED: ['RUNNING', 'CANCELLED'],
  ROLLING_BACK: ['ROLLED_BACK', 'ROLLBACK_FAILED'],
  // A DBA resolves a failed run: retry or mark applied (queued again, or succeeded), roll back, or mark rolled back.
  FAILED: ['QUEUED', 'SUCCEEDED', 'ROLLING_BACK', 'ROLLED_BACK'],
  ROLLBACK_FAILED: ['ROLLING_BACK', 'ROLLED_BACK'],
  CANCELLED: ['ROLLING_BACK', 'ROLLED_BACK'],
  SUCCEEDED: [],
  ROLLED_BACK: [],
} as const satisfies Transitions<RunStatus>

/**
 * Runs that hold the phase: queued, running, waiting at a gate, interrupted (resumable) or rolling back. A partial
 * unique index holds exactly these states to one run per phase and environment (migration one_active_at_a_time).
 */
export const ACTIVE_RUN_STATES = [
  'QUEUED',
  'RUNNING',
  'WAITING',
  'INTERRUPTED',
  'ROLLING_BACK',
] as const satisfies readonly RunStatus[]

/**
 * Runs that have ended: no worker works on them and nothing happens until a person decides, so live views stop
 * polling and reports count them as ended. Not all are final: a failed, cancelled or rollback-failed run can be
 * resolved (retried, marked applied, rolled back) and becomes active again.
 */
export const ENDED_RUN_STATES = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'ROLLED_BACK',
  'ROLLBACK_FAILED',
] as const satisfies readonly RunStatus[]

/** Runs nothing moves on from: succeeded, or rolled back. */
export const FINAL_RUN_STATES: readonly RunStatus[] = finalStatesOf<RunStatus>(RUN_TRANSITIONS)

/** A latest run in these states failed and nobody has resolved it since. */
export const UNRESOLVED_RUN_STATES: readonly RunStatus[] = ['FAILED', 'ROLLBACK_FAILED']

/** Where a worker takes a run from to run its steps. */
export const CLAIMABLE_RUN_STATES = ['QUEUED', 'INTERRUPTED'] as const satisfies readonly RunStatus[]

export const isActiveRun = (status: RunStatus) => (ACTIVE_RUN_STATES as readonly RunStatus[]).includes(status)
export const isEndedRun = (status: RunStatus) => (ENDED_RUN_STATES as readonly RunStatus[]).includes(status)

export const canMoveRun = (from: RunStatus, to: RunStatus) => canMoveIn<RunStatus>(RUN_TRANSITIONS, from, to)
