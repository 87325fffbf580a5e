import { db, type Prisma, type Tx } from '@/lib/db'
import type { ValidationStatus } from '@/lib/generated/prisma/enums'
import { VALIDATION_TRANSITIONS } from '@/lib/domain/states/validation'
import { assertMoves, move } from '@/lib/server/transition'

// The owner of the validation's state machine (lib/domain/states/validation.ts): the request's cancel, the
// worker's claim, its end and the requeue of a stopped worker's validations move a validation through here.
// One requested validation per plan and environment: a partial unique index, checked by ./commands.ts.

/** Moves a validation from one of `from` to `to` with `data`, or throws a StateConflict. */
export const transitionValidation = (
  tx: Pick<Tx, 'validation'>,
  id: string,
  from: ValidationStatus | readonly ValidationStatus[],
  to: ValidationStatus,
  data: Omit<Prisma.ValidationUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Validation',
    table: VALIDATION_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.validation.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () => (await tx.validation.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/** Takes the oldest queued validation for this worker, or null. Safe with any number of workers. */
export async function claimValidation(workerId: string): Promise<string | null> {
  assertMoves('Validation', VALIDATION_TRANSITIONS, ['QUEUED'], 'RUNNING')
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Validation" SET "status" = 'RUNNING', "workerId" = ${workerId}, "startedAt" = now(), "updatedAt" = now()
     WHERE "id" = (SELECT "id" FROM "Validation" WHERE "status" = 'QUEUED' ORDER BY "createdAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}

/** Validations a stopped worker held are queued again (they only read, so starting over is safe). */
export async function requeueValidations(staleAfterMs: number): Promise<number> {
  assertMoves('Validation', VALIDATION_TRANSITIONS, ['RUNNING'], 'QUEUED')
  return db.$executeRaw`
    UPDATE "Validation" v SET "status" = 'QUEUED', "workerId" = NULL, "updatedAt" = now()
     WHERE v."status" = 'RUNNING' AND v."stepRunId" IS NULL AND v."workerId" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" h WHERE h."id" = v."workerId" AND h."lastSeenAt" > now() - make_interval(secs => ${staleAfterMs / 1000}))`
}
