import { type Prisma, type Tx } from '@/lib/db'
import type { RehearsalStatus } from '@/lib/generated/prisma/enums'
import { REHEARSAL_TRANSITIONS } from '@/lib/domain/states/rehearsal'
import { assertMoves, move } from '@/lib/server/transition'
import { claimQueuedJob } from '@/lib/server/jobs'

// The owner of the rollback rehearsal's state machine (lib/domain/states/rehearsal.ts). One rehearsal on a
// target at a time: requestRehearsal checks it under an advisory lock on the target (./commands.ts).

/** Moves a rehearsal from one of `from` to `to` with `data`, or throws a StateConflict. */
export const transitionRehearsal = (
  tx: Pick<Tx, 'rollbackRehearsal'>,
  id: string,
  from: RehearsalStatus | readonly RehearsalStatus[],
  to: RehearsalStatus,
  data: Omit<Prisma.RollbackRehearsalUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Rehearsal',
    table: REHEARSAL_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.rollbackRehearsal.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () =>
      (await tx.rollbackRehearsal.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/** Takes the oldest queued rehearsal for this worker, or null. */
export function claimRehearsal(workerId: string): Promise<string | null> {
  assertMoves('Rehearsal', REHEARSAL_TRANSITIONS, ['QUEUED'], 'RUNNING')
  return claimQueuedJob('RollbackRehearsal', workerId)
}

/** Asserts the table lets a stopped worker's rehearsal end FAILED (the sweep itself is SQL, with its audit). */
export const assertMayAbandonRehearsal = () => assertMoves('Rehearsal', REHEARSAL_TRANSITIONS, ['RUNNING'], 'FAILED')
