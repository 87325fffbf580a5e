import { db, type Prisma } from '@/lib/db'
import { recordAudit } from '@/lib/server/audit/record'
import type { SystemActor } from '@/lib/server/actor'
import { rehearsedStepsOf } from '@/lib/server/rehearsals/steps'
import { planTargetOf } from '@/lib/server/runs/target'
import { rehearse, type RehearsalResult } from './rehearsal/rehearse'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import { assertMayAbandonRehearsal, transitionRehearsal } from '@/lib/server/rehearsals/transition'

// The worker's side of rollback rehearsals (requested by an editor, lib/server/rehearsals/commands.ts):
// the phase's SQL steps as they are now, rehearsed on the plan's target of the environment, the outcome
// stored with the checksum of exactly the scripts that ran and audited in the same transaction.

const WORKER: SystemActor = { kind: 'system', label: 'worker', origin: null }

type Outcome = RehearsalResult['outcome']

export { claimRehearsal } from '@/lib/server/rehearsals/transition'

/**
 * Rehearsals a stopped worker held end FAILED rather than queued again: the target is somewhere between
 * the up and the second up, and a new rehearsal starting from there would compare the wrong schemas.
 */
export async function failAbandonedRehearsals(staleAfterMs: number): Promise<number> {
  assertMayAbandonRehearsal()
  return db.$transaction(async (tx) => {
    const error =
      'The worker running this rehearsal stopped; the target is left as it was then. Request a new rehearsal once it is restored.'
    const rows = await tx.$queryRaw<{ id: string; planId: string }[]>`
      UPDATE "RollbackRehearsal" r SET "status" = 'FAILED', "error" = ${error}, "workerId" = NULL, "finishedAt" = now()
       WHERE r."status" = 'RUNNING' AND r."workerId" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" h WHERE h."id" = r."workerId" AND h."lastSeenAt" > now() - make_interval(secs => ${staleAfterMs / 1000}))
      RETURNING r."id", r."planId"`
    for (const row of rows) {
      await recordAudit(tx, WORKER, {
        action: 'rehearsal.finish',
        entityType: 'RollbackRehearsal',
        entityId: row.id,
        planId: row.planId,
        after: { outcome: 'FAILED', error },
      })
    }
    return rows.length
  })
}

type Finish = {
  outcome: Outcome
  checksum: string | null
  differences: Prisma.InputJsonValue | null
  error: string | null
  stepsRun: number
  seconds: number | null
}

export async function executeRehearsal(rehearsalId: string): Promise<Outcome> {
  const rehearsal = await db.rollbackRehearsal.findUniqueOrThrow({
    where: { id: rehearsalId },
    include: { phase: { select: { name: true } }, environment: { select: { name: true, protected: true } } },
  })
  const steps = await rehearsedStepsOf(db, rehearsal.phaseId)
  const end = async ({ outcome, checksum, differences, error, stepsRun, seconds }: Finish) => {
    await db.$transaction(async (tx) => {
      await transitionRehearsal(tx, rehearsalId, 'RUNNING', outcome, {
        checksum,
        stepNames: steps.map((s) => s.name),
        differences: differences ?? undefined,
        error,
        stepsRun,
        seconds,
        finishedAt: new Date(),
        workerId: null,
      })
      await recordAudit(tx, WORKER, {
        action: 'rehearsal.finish',
        entityType: 'RollbackRehearsal',
        entityId: rehearsalId,
        planId: rehearsal.planId,
        after: {
          phase: rehearsal.phase.name,
          environment: rehearsal.environment.name,
          outcome,
          checksum,
          stepsRun,
          seconds,
          error,
        },
      })
    })
    return outcome
  }
  const refuse = (error: string) =>
    end({ outcome: 'FAILED', checksum: rehearsalChecksum(steps), differences: null, error, stepsRun: 0, seconds: null })
  try {
    // Checked again here: the environment may have been made protected while the rehearsal waited.
    if (rehearsal.environment.protected)
      return await refuse(
        `“${rehearsal.environment.name}” became protected after the rehearsal was requested; it was not rehearsed there.`,
      )
    const target = await planTargetOf(rehearsal.planId, rehearsal.environmentId)
    if (!target)
      return await refuse(`The plan no longer has a PostgreSQL target connection on “${rehearsal.environment.name}”.`)
    const result = await rehearse({ target, steps })
    return await end({
      outcome: result.outcome,
      checksum: result.checksum,
      differences: { rollback: result.rollback, repeat: result.repeat },
      error: result.error ?? null,
      stepsRun: result.stepsRun,
      seconds: result.seconds,
    })
  } catch (error) {
    return end({
      outcome: 'FAILED',
      checksum: rehearsalChecksum(steps),
      differences: null,
      error: (error as Error).message,
      stepsRun: 0,
      seconds: null,
    })
  }
}
