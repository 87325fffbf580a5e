import { db, Prisma, type Tx } from '@/lib/db'
import type { RunStatus, StepRunStatus } from '@/lib/generated/prisma/enums'
import { CLAIMABLE_RUN_STATES, RUN_TRANSITIONS } from '@/lib/domain/states/run'
import { STEP_RUN_TRANSITIONS } from '@/lib/domain/states/step-run'
import { assertMoves, move } from '@/lib/server/transition'
import { emitRunEvent } from '@/lib/server/webhooks/payloads'

// The owner of the run and step-run state machines (lib/domain/states/run.ts, step-run.ts): every status
// write of a run or a step run – the worker's and the commands' – goes through here. The guarantee of one
// active run per phase and environment lives beside it, in ./active.ts.

type RunClient = Pick<Tx, 'run'>
type StepRunClient = Pick<Tx, 'stepRun'>

/**
 * Moves a run from one of `from` to `to` in one conditional write, with `data` beside the status; throws a
 * StateConflict naming the run's state when it was elsewhere. Callers authorize before; this only guards.
 */
export const transitionRun = (
  tx: RunClient,
  id: string,
  from: RunStatus | readonly RunStatus[],
  to: RunStatus,
  data: Omit<Prisma.RunUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Run',
    table: RUN_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.run.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () => (await tx.run.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/** Moves a step run like transitionRun moves a run. */
export const transitionStepRun = (
  tx: StepRunClient,
  id: string,
  from: StepRunStatus | readonly StepRunStatus[],
  to: StepRunStatus,
  data: Omit<Prisma.StepRunUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Step run',
    table: STEP_RUN_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.stepRun.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () => (await tx.stepRun.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/**
 * Moves those of a run's step runs (or of `ids` among them) that are in one of `from` to `to`; how many. For
 * the moves that end a run's steps together (a cancel, a rollback by hand), where steps elsewhere stay.
 */
export async function transitionStepRunsOf(
  tx: StepRunClient,
  scope: { runId: string } | { ids: string[] },
  from: readonly StepRunStatus[],
  to: StepRunStatus,
  data: Omit<Prisma.StepRunUncheckedUpdateManyInput, 'status'> = {},
): Promise<number> {
  assertMoves('Step run', STEP_RUN_TRANSITIONS, from, to)
  const where = 'runId' in scope ? { runId: scope.runId } : { id: { in: scope.ids } }
  return (
    await tx.stepRun.updateMany({ where: { ...where, status: { in: [...from] } }, data: { ...data, status: to } })
  ).count
}

// The worker's claims take the oldest row with SKIP LOCKED, so they stay SQL; they move through the same table.
const statusIn = (states: readonly RunStatus[]) => Prisma.sql`CAST(${[...states]} AS "RunStatus"[])`

/**
 * Takes the oldest queued (or interrupted) run for this worker, or null. Safe with any number of workers. A run
 * started for the first time (not one resumed after a gate or an interruption) is announced to webhooks in the
 * same transaction.
 */
export async function claimRun(workerId: string): Promise<string | null> {
  assertMoves('Run', RUN_TRANSITIONS, CLAIMABLE_RUN_STATES, 'RUNNING')
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; isFirstStart: boolean }[]>`
      WITH picked AS (
        SELECT "id", "startedAt" IS NULL AS "isFirstStart" FROM "Run" WHERE "status" = ANY(${statusIn(CLAIMABLE_RUN_STATES)})
         ORDER BY "createdAt" FOR UPDATE SKIP LOCKED LIMIT 1)
      UPDATE "Run" r SET "status" = 'RUNNING', "workerId" = ${workerId}, "startedAt" = coalesce(r."startedAt", now()), "updatedAt" = now()
        FROM picked WHERE r."id" = picked."id"
      RETURNING r."id", picked."isFirstStart"`
    const claimed = rows[0]
    if (claimed?.isFirstStart) await emitRunEvent(tx, claimed.id, 'RUN_STARTED')
    return claimed?.id ?? null
  })
}

/** Takes the oldest run whose rollback a DBA asked for and no worker holds yet, or null (its state stays). */
export async function claimRollback(workerId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" SET "workerId" = ${workerId}, "updatedAt" = now()
     WHERE "id" = (SELECT "id" FROM "Run" WHERE "status" = 'ROLLING_BACK' AND "workerId" IS NULL ORDER BY "updatedAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}

/**
 * Runs held by a worker that stopped heartbeating: a running one becomes INTERRUPTED (to be claimed and resumed),
 * a rollback is let go for another worker to take over. The runs, with the state each is in now.
 */
export async function interruptStaleRuns(staleAfterMs: number): Promise<{ id: string; status: RunStatus }[]> {
  assertMoves('Run', RUN_TRANSITIONS, ['RUNNING'], 'INTERRUPTED')
  return db.$queryRaw<{ id: string; status: RunStatus }[]>`
    UPDATE "Run" r SET "status" = CASE WHEN r."status" = 'RUNNING' THEN 'INTERRUPTED'::"RunStatus" ELSE r."status" END, "workerId" = NULL, "updatedAt" = now()
     WHERE r."status" IN ('RUNNING', 'ROLLING_BACK') AND r."workerId" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" h WHERE h."id" = r."workerId" AND h."lastSeenAt" > now() - make_interval(secs => ${staleAfterMs / 1000}))
    RETURNING r."id", r."status"::text AS status`
}

/**
 * A worker lets go of a run it holds after its job stopped on an error: running, it becomes INTERRUPTED;
 * rolling back, it is left for a worker to take again. Whether it was interrupted; a run this worker no
 * longer holds is left alone.
 */
export async function releaseRun(runId: string, workerId: string): Promise<boolean> {
  assertMoves('Run', RUN_TRANSITIONS, ['RUNNING'], 'INTERRUPTED')
  const interrupted = await db.run.updateMany({
    where: { id: runId, workerId, status: 'RUNNING' },
    data: { status: 'INTERRUPTED', workerId: null },
  })
  await db.run.updateMany({ where: { id: runId, workerId, status: 'ROLLING_BACK' }, data: { workerId: null } })
  return interrupted.count > 0
}
