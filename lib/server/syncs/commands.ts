import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import type { TEndSync } from './schemas'

// A person's decisions about a sync. Ending one without a cutover stops the followers (they see ENDED at their
// next lag write) and leaves the removal of what it made on the source to the next worker (lib/engine/syncs.ts):
// the web tier never reaches a source itself.

/** DBAs (role re-read from the database): ends a sync that has not switched; audited in the same transaction. */
export async function endSyncByPerson(actor: UserActor, input: TEndSync): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'run:resolve')
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "Sync" WHERE "id" = ${input.syncId}::uuid FOR UPDATE`
    if (!locked.length) throw notFound('Sync')
    const sync = await tx.sync.findUniqueOrThrow({
      where: { id: input.syncId },
      include: { step: { select: { name: true } } },
    })
    if (sync.status === 'SWITCHED' || sync.status === 'ENDED') throw conflict('This sync has already ended.')
    if (sync.status === 'CUTTING_OVER') throw conflict('A cutover holds this sync; cancel its run first.')
    if (sync.status === 'COPYING') throw conflict('The sync is making its initial copy; cancel its run first.')
    const endedAt = new Date()
    await tx.sync.update({
      where: { id: sync.id },
      data: { status: 'ENDED', endedAt, endedById: actor.id, workerId: null, leaseUntil: null },
    })
    await recordAudit(tx, actor, {
      action: 'sync.end',
      entityType: 'Sync',
      entityId: sync.id,
      planId: sync.planId,
      before: { status: sync.status, step: sync.step.name },
      after: { status: 'ENDED' },
    })
    return { id: sync.id }
  })
}
