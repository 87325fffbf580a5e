import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCan, assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import type { TEnvironmentSafeguards } from './schemas'

// The safeguards a protected environment asks of its runs (enforced in lib/server/runs/safeguards.ts):
// DBAs and admins set them, audited. An unprotected environment keeps none: its runs are not guarded.

/** DBAs and admins (role re-read): sets a protected environment's safeguards, audited. */
export async function setEnvironmentSafeguards(
  actor: UserActor,
  input: TEnvironmentSafeguards,
): Promise<{ id: string }> {
  assertCan(actor, 'connection:manage')
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'connection:manage')
    const before = await tx.environment.findUnique({
      where: { id: input.environmentId },
      select: { id: true, name: true, protected: true, requireRehearsal: true, requireBackupHours: true },
    })
    if (!before) throw notFound('Environment')
    if (!before.protected && (input.requireRehearsal || input.requireBackupHours !== null))
      throw conflict(`“${before.name}” is not protected; protect it first, then set what its runs require.`)
    const env = await tx.environment.update({
      where: { id: before.id },
      data: { requireRehearsal: input.requireRehearsal, requireBackupHours: input.requireBackupHours },
    })
    await recordAudit(tx, actor, {
      action: 'environment.safeguards',
      entityType: 'Environment',
      entityId: env.id,
      before: { requireRehearsal: before.requireRehearsal, requireBackupHours: before.requireBackupHours },
      after: { requireRehearsal: env.requireRehearsal, requireBackupHours: env.requireBackupHours },
    })
    return { id: env.id }
  })
}
