import { type Prisma, type Tx } from '@/lib/db'
import type { BackupStatus, RestoreStatus } from '@/lib/generated/prisma/enums'
import { BACKUP_TRANSITIONS } from '@/lib/domain/states/backup'
import { RESTORE_TRANSITIONS } from '@/lib/domain/states/restore'
import { assertMoves, move } from '@/lib/server/transition'
import { claimQueuedJob } from '@/lib/server/jobs'

// The owner of the backup's and the restore's state machines (lib/domain/states/backup.ts, restore.ts): the
// worker's backups, verifications, pruning and restores move them through here. One restore per target
// connection at a time: requestRestore checks it in its transaction (./commands.ts).

/** Moves a backup from one of `from` to `to` with `data`, or throws a StateConflict. */
export const transitionBackup = (
  tx: Pick<Tx, 'backup'>,
  id: string,
  from: BackupStatus | readonly BackupStatus[],
  to: BackupStatus,
  data: Omit<Prisma.BackupUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Backup',
    table: BACKUP_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.backup.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () => (await tx.backup.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/** Moves a restore from one of `from` to `to` with `data`, or throws a StateConflict. */
export const transitionRestore = (
  tx: Pick<Tx, 'restore'>,
  id: string,
  from: RestoreStatus | readonly RestoreStatus[],
  to: RestoreStatus,
  data: Omit<Prisma.RestoreUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Restore',
    table: RESTORE_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.restore.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
        select: { id: true },
      }),
    current: async () => (await tx.restore.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })

/** Takes the oldest queued restore for this worker, or null. */
export function claimRestore(workerId: string): Promise<string | null> {
  assertMoves('Restore', RESTORE_TRANSITIONS, ['QUEUED'], 'RUNNING')
  return claimQueuedJob('Restore', workerId)
}
