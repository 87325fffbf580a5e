import type { StepKind, StepRunStatus } from '@/lib/generated/prisma/enums'

// What a run's rollback would undo. Only SQL steps (with their rollback script), copies (tables dropped or
// emptied) and syncs (ended, their copy undone) have an undo; gates, validations, backups and observations change nothing on the target.

export type StepRunForUndo = {
  kind: StepKind
  status: StepRunStatus
  statementsApplied: number
  rollbackBody: string | null
  /** Copy steps: the live figures (`tables`, each with its state and the rows written). */
  detail: unknown
}

/** A copy that failed or was cancelled changed the target once a table left "pending" or took rows. */
function copyStarted(detail: unknown): boolean {
  const tables = (detail as { tables?: { state?: string; written?: number }[] } | null)?.tables ?? []
  return tables.some((t) => (t.written ?? 0) > 0 || (t.state !== undefined && t.state !== 'pending'))
}

/**
 * The step changed the target and has a way to undo it: a SQL step with a rollback script that succeeded
 * or kept some of its statements (a failed transactional script keeps none), or a copy that ran.
 */
export function hasUndo(step: StepRunForUndo): boolean {
  if (step.kind === 'SQL')
    return (
      !!step.rollbackBody?.trim() &&
      (step.status === 'SUCCEEDED' || (['FAILED', 'CANCELLED'].includes(step.status) && step.statementsApplied > 0))
    )
  // A cutover's undo switches back through its fallback (the runner says when there is none).
  if (step.kind === 'CUTOVER') return step.status === 'SUCCEEDED'
  // A sync's undo ends it and undoes its initial copy.
  if (step.kind === 'COPY' || step.kind === 'SYNC')
    return step.status === 'SUCCEEDED' || (['FAILED', 'CANCELLED'].includes(step.status) && copyStarted(step.detail))
  return false
}

/** Rolling the run back would undo something: what the run page offers and rollbackRun accepts. */
export const hasSomethingToUndo = (steps: readonly StepRunForUndo[]) => steps.some(hasUndo)
