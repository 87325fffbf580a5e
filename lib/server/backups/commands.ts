import 'server-only'
import { db } from '@/lib/db'
import { ACTIVE_RESTORE_STATES } from '@/lib/domain/states/restore'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { SCOPED_WINDOWS } from '@/lib/server/runs/content'
import { assertRecentSecondFactorInTx, reauthenticate } from '@/lib/server/users/reauthenticate'
import { refuseOnViolation } from '@/lib/server/unique-index'
import { mayWorkOnPlan } from '@/lib/server/windows/rules'
import { confirmationNameOf, isSameDatabase } from './rules'
import type { TRequestRestore } from './schemas'

// Restores: a DBA asks for a verified backup to be restored into a connection; the worker does it
// (lib/engine/restores.ts). Over the database the backup came from only with its name typed.

const ENDPOINT = { id: true, engine: true, host: true, port: true, database: true, filePath: true } as const

/**
 * DBAs (role re-read): queues the restore of a verified backup into a connection, audited. Into a database of
 * a protected environment only as a run there: inside an approved window for the backup's plan that is
 * active now, with a second factor entered in the last 15 minutes (the worker checks the window again).
 */
export async function requestRestore(
  actor: UserActor,
  input: TRequestRestore,
  now = new Date(),
): Promise<{ id: string }> {
  assertCan(actor, 'backup:restore')
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  // One restore into a connection at a time: checked below to say so, and held by the partial unique index
  // when two requests check at once.
  return refuseOnViolation(
    'Restore_one_active_per_connection',
    () => restoreInTx(actor, input, now),
    async () => {
      const into = await db.connection.findUnique({ where: { id: input.connectionId }, select: { name: true } })
      return busyRefusal(into?.name ?? 'this connection')
    },
  )
}

const busyRefusal = (connectionName: string) => conflict(`A restore into ${connectionName} is already under way.`)

function restoreInTx(actor: UserActor, input: TRequestRestore, now: Date): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'backup:restore')
    const backup = await tx.backup.findUnique({
      where: { id: input.backupId },
      include: { connection: { select: ENDPOINT } },
    })
    if (!backup) throw notFound('Backup')
    if (backup.status !== 'VERIFIED')
      throw conflict(
        backup.status === 'PRUNED'
          ? 'This backup was pruned by the retention setting; its file is gone.'
          : 'Only a verified backup can be restored.',
      )
    const into = await tx.connection.findUnique({
      where: { id: input.connectionId },
      select: { ...ENDPOINT, name: true, environment: { include: { windows: SCOPED_WINDOWS(now) } } },
    })
    if (!into) throw notFound('Connection')
    const permission = mayWorkOnPlan(into.environment, into.environment.windows, now, backup.planId, 'a restore')
    if (!permission.allowed) throw conflict(permission.reason)
    const wanted = backup.format === 'PG_DUMP' ? 'POSTGRES' : 'SQLITE'
    if (into.engine !== wanted)
      throw invalid(
        `A ${backup.format === 'PG_DUMP' ? 'PostgreSQL' : 'SQLite'} backup restores into a ${backup.format === 'PG_DUMP' ? 'PostgreSQL' : 'SQLite'} connection.`,
        { connectionId: ['Choose a connection of the same kind.'] },
      )
    const overSource = !!backup.connection && isSameDatabase(backup.connection, into)
    if (overSource && input.confirm !== confirmationNameOf(into)) {
      throw invalid(
        `This is the database the backup was taken from: its objects are dropped and replaced. Type “${confirmationNameOf(into)}” to confirm.`,
        { confirm: [`Type “${confirmationNameOf(into)}” to confirm.`] },
      )
    }
    const busy = await tx.restore.count({
      where: { connectionId: into.id, status: { in: [...ACTIVE_RESTORE_STATES] } },
    })
    if (busy) throw busyRefusal(into.name)
    if (into.environment.protected)
      await assertRecentSecondFactorInTx(
        tx,
        actor,
        `restore over ${into.name} on “${into.environment.name}”`,
        now.getTime(),
      )
    const restore = await tx.restore.create({
      data: {
        backupId: backup.id,
        connectionId: into.id,
        connectionName: into.name,
        requestedById: actor.id,
        overSource,
      },
      select: { id: true },
    })
    await recordAudit(tx, actor, {
      action: 'backup.restore',
      entityType: 'Restore',
      entityId: restore.id,
      planId: backup.planId,
      after: {
        backup: backup.id,
        taken: backup.createdAt.toISOString(),
        from: backup.connectionName,
        into: into.name,
        overSource,
      },
    })
    return restore
  })
}
