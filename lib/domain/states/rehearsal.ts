import type { RehearsalStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The rollback rehearsal's state machine: queued by an editor, claimed by a worker, ended with its outcome –
// or FAILED when its worker stopped (the target is somewhere between the up and the second up).
// Written only by lib/server/rehearsals/transition.ts.

export const REHEARSAL_TRANSITIONS = {
  QUEUED: ['RUNNING'],
  RUNNING: ['IDENTICAL', 'DIFFERENT', 'FAILED'],
  IDENTICAL: [],
  DIFFERENT: [],
  FAILED: [],
} as const satisfies Transitions<RehearsalStatus>

/** Rehearsals under way: one at a time on a target. */
export const ACTIVE_REHEARSAL_STATES = ['QUEUED', 'RUNNING'] as const satisfies readonly RehearsalStatus[]

export const FINISHED_REHEARSAL_STATES: readonly RehearsalStatus[] =
  finalStatesOf<RehearsalStatus>(REHEARSAL_TRANSITIONS)

export const canMoveRehearsal = (from: RehearsalStatus, to: RehearsalStatus) =>
  canMoveIn<RehearsalStatus>(REHEARSAL_TRANSITIONS, from, to)
