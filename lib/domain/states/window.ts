import type { WindowStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The maintenance window's state machine: a DBA decides on a request; an edit of the steps it covers sends an
// approval back; the worker's sweep expires what is past. Written only by lib/server/windows/transition.ts.

export const WINDOW_TRANSITIONS = {
  REQUESTED: ['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'],
  // Back to REQUESTED: the steps it was approved for changed.
  APPROVED: ['REQUESTED', 'CANCELLED', 'EXPIRED'],
  REJECTED: [],
  CANCELLED: [],
  EXPIRED: [],
} as const satisfies Transitions<WindowStatus>

/** Windows that may still allow work: requested (to be decided) or approved. */
export const OPEN_WINDOW_STATES = ['REQUESTED', 'APPROVED'] as const satisfies readonly WindowStatus[]

export const FINAL_WINDOW_STATES: readonly WindowStatus[] = finalStatesOf<WindowStatus>(WINDOW_TRANSITIONS)

export const canMoveWindow = (from: WindowStatus, to: WindowStatus) =>
  canMoveIn<WindowStatus>(WINDOW_TRANSITIONS, from, to)
