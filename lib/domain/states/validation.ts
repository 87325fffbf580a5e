import type { ValidationStatus } from '@/lib/generated/prisma/enums'
import { canMoveIn, finalStatesOf, type Transitions } from './machine'

// The validation's state machine: queued by a person (or started RUNNING by a validate step), claimed and
// ended by a worker. Written only by lib/server/validations/transition.ts.

export const VALIDATION_TRANSITIONS = {
  QUEUED: ['RUNNING', 'CANCELLED'],
  // QUEUED again: its worker stopped; a validation only reads, so another starts it over.
  RUNNING: ['PASSED', 'FAILED', 'ERROR', 'CANCELLED', 'QUEUED'],
  PASSED: [],
  FAILED: [],
  ERROR: [],
  CANCELLED: [],
} as const satisfies Transitions<ValidationStatus>

/** Validations under way: one requested per plan and environment at a time (partial unique index). */
export const ACTIVE_VALIDATION_STATES = ['QUEUED', 'RUNNING'] as const satisfies readonly ValidationStatus[]

/** Validations that ended, with or without a report. */
export const ENDED_VALIDATION_STATES: readonly ValidationStatus[] =
  finalStatesOf<ValidationStatus>(VALIDATION_TRANSITIONS)

export const canMoveValidation = (from: ValidationStatus, to: ValidationStatus) =>
  canMoveIn<ValidationStatus>(VALIDATION_TRANSITIONS, from, to)
