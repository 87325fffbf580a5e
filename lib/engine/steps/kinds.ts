import type { StepKind } from '@/lib/generated/prisma/enums'

// Which step kinds the worker can run today; the others can be planned but not started yet.
export const RUNNABLE_KINDS: readonly StepKind[] = ['SQL', 'MANUAL']

export const KIND_NAMES: Record<StepKind, string> = { SQL: 'SQL', COPY: 'copy', VALIDATE: 'validate', BACKUP: 'backup', MANUAL: 'manual gate', OBSERVE: 'observe' }

/** Manual gates: whether releasing needs the phase's required checklist items done. */
export type ManualConfig = { requireChecklist?: boolean }
/** SQL steps: per-step timeouts. */
export type SqlConfig = { statementTimeoutMs?: number; lockTimeoutMs?: number }
