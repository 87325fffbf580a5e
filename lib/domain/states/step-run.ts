import type { StepRunStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The step run's state machine: the worker moves a step as it runs it; a person only releases a gate, marks a
// failed step applied, or (by cancelling or rolling back the run) ends the steps with it.

export const STEP_RUN_TRANSITIONS = {
  // Refused before it started (its content changed, a safeguard said no): FAILED straight from PENDING.
  PENDING: ['RUNNING', 'FAILED', 'CANCELLED'],
  // RUNNING again: a resumed run starts the step its stopped worker left running over.
  RUNNING: ['RUNNING', 'SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELLED', 'WAITING'],
  WAITING: ['SUCCEEDED', 'CANCELLED'],
  // A retried run runs its failed step again (or refuses it again); a DBA may mark it applied; a rollback undoes it.
  FAILED: ['RUNNING', 'FAILED', 'SUCCEEDED', 'ROLLED_BACK'],
  SUCCEEDED: ['ROLLED_BACK'],
  CANCELLED: ['ROLLED_BACK'],
  SKIPPED: [],
  ROLLED_BACK: [],
} as const satisfies Transitions<StepRunStatus>

/** Steps a run still has to execute: all but those that ended well. */
export const UNFINISHED_STEP_STATES = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly StepRunStatus[]

export const FINAL_STEP_RUN_STATES: readonly StepRunStatus[] = finalStatesOf<StepRunStatus>(STEP_RUN_TRANSITIONS)

export const canMoveStepRun = (from: StepRunStatus, to: StepRunStatus) =>
  canMoveIn<StepRunStatus>(STEP_RUN_TRANSITIONS, from, to)
