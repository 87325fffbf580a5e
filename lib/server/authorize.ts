import { can, type Permission } from '@/lib/auth/permissions'
import type { Tx } from '@/lib/db'
import type { UserActor } from './actor'
import { forbidden } from './errors'

/** Fast check against the role the actor was loaded with (already read from the database this request). */
export function assertCan(actor: UserActor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden()
}

/**
 * For privileged writes: re-reads the actor's role inside the transaction, locking the row so a
 * concurrent demotion or deactivation cannot slip between the check and the write.
 */
export async function assertCanInTx(tx: Tx, actor: UserActor, permission: Permission): Promise<void> {
  const rows = await tx.$queryRaw<{ role: string; isActive: boolean }[]>`
    SELECT "role"::text AS role, "isActive" FROM "User" WHERE "id" = ${actor.id}::uuid FOR SHARE`
  const current = rows[0]
  if (!current?.isActive || !can(current.role as UserActor['role'], permission)) throw forbidden()
}

/**
 * Who reads what a database holds: editors see row values, error texts and connection details; stakeholders
 * see counts, keys and column names only – everywhere, the APIs included.
 */
export const seesRowData = (actor: UserActor): boolean => can(actor.role, 'connection:read')
