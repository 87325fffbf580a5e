import { db, type Tx } from '@/lib/db'
import { ACTIVE_RUN_STATES as ACTIVE_RUN } from '@/lib/domain/states/run'
import { conflict, type DomainError } from '@/lib/server/errors'
import { stateWords } from '@/lib/domain/words'
import { refuseOnViolation } from '@/lib/server/unique-index'

// One run of a phase on an environment at a time: a dry run counts, and so does a rollback or a retry,
// which make an ended run active again. The commands check it under their locks to say which run is in
// the way; the partial unique index below (migration 20261206155723_one_active_at_a_time, on exactly
// these states) makes it hold when two of them check at once.

export { ACTIVE_RUN }
export const ONE_ACTIVE_RUN_INDEX = 'Run_one_active_per_phase_environment'

type Where = { phaseId: string; environmentId: string }
type Named = { phaseName: string; environmentName: string }

/** "A run of “Schema” on “prod” is already queued." – `then` adds what the person may do about it. */
export const activeRunRefusal = (
  { phaseName, environmentName }: Named,
  status: string | null,
  then = '',
): DomainError =>
  conflict(
    `A run of “${phaseName}” on “${environmentName}” is already ${status ? stateWords(status) : 'under way'}${then}.`,
  )

/** In the caller's transaction: refuses when a run of the phase (other than `exceptRunId`) is active on the environment. */
export async function assertNoOtherActiveRun(
  tx: Pick<Tx, 'run'>,
  scope: Where & Named,
  then = '',
  exceptRunId?: string,
): Promise<void> {
  const busy = await tx.run.findFirst({
    where: {
      phaseId: scope.phaseId,
      environmentId: scope.environmentId,
      status: { in: [...ACTIVE_RUN] },
      ...(exceptRunId ? { id: { not: exceptRunId } } : {}),
    },
    select: { status: true },
  })
  if (busy) throw activeRunRefusal(scope, busy.status, then)
}

/**
 * Runs `write`, a transaction that makes a run of the phase active on the environment (`of`: those ids, or
 * the run's); when the index refused it because another run became active meanwhile, the check's refusal.
 */
export function oneActiveRun<T>(of: Where | { runId: string }, then: string, write: () => Promise<T>): Promise<T> {
  return refuseOnViolation(ONE_ACTIVE_RUN_INDEX, write, async () => {
    const { phaseId, environmentId } =
      'runId' in of
        ? await db.run.findUniqueOrThrow({ where: { id: of.runId }, select: { phaseId: true, environmentId: true } })
        : of
    const [phase, environment, busy] = await Promise.all([
      db.phase.findUnique({ where: { id: phaseId }, select: { name: true } }),
      db.environment.findUnique({ where: { id: environmentId }, select: { name: true } }),
      db.run.findFirst({
        where: { phaseId, environmentId, status: { in: [...ACTIVE_RUN] } },
        select: { status: true },
      }),
    ])
    return activeRunRefusal(
      { phaseName: phase?.name ?? 'this phase', environmentName: environment?.name ?? 'this environment' },
      busy?.status ?? null,
      then,
    )
  })
}
