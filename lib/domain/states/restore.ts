import type { RestoreStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The restore's state machine: queued by a DBA, claimed and ended by a worker. A restore a stopped worker held
// stays RUNNING: half a restore over a live database wants a person's decision, not a retry.
// Written only by lib/server/backups/transition.ts.

export const RESTORE_TRANSITIONS = {
  QUEUED: ['RUNNING'],
  RUNNING: ['SUCCEEDED', 'FAILED'],
  SUCCEEDED: [],
  FAILED: [],
} as const satisfies Transitions<RestoreStatus>

/** Restores under way: one per target connection at a time. */
export const ACTIVE_RESTORE_STATES = ['QUEUED', 'RUNNING'] as const satisfies readonly RestoreStatus[]

export const FINAL_RESTORE_STATES: readonly RestoreStatus[] = finalStatesOf<RestoreStatus>(RESTORE_TRANSITIONS)

export const canMoveRestore = (from: RestoreStatus, to: RestoreStatus) =>
  canMoveIn<RestoreStatus>(RESTORE_TRANSITIONS, from, to)
