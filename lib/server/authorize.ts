import { can, type Permission } from '@/lib/auth/permissions'
import { SCOPE_NAMES, scopeFor, scopesAllow } from '@/lib/auth/scopes'
import type { Tx } from '@/lib/db'
import type { UserActor } from './actor'
import { DomainError, forbidden } from './errors'

/**
 * The role allows it, and – for a request made with an API token – one of the token's scopes lists it too.
 * A token never does more than its owner's role, nor anything its scopes leave out (lib/auth/scopes.ts).
 */
export function actorCan(actor: UserActor, permission: Permission): boolean {
  return can(actor.role, permission) && (!actor.token || scopesAllow(actor.token.scopes, permission))
}

/** The refusal of a permission the token's scopes leave out, naming the scope it would need. */
function refuseScope(actor: UserActor, permission: Permission): void {
  if (!actor.token || scopesAllow(actor.token.scopes, permission)) return
  const scope = scopeFor(permission)
  throw new DomainError(
    'FORBIDDEN',
    scope
      ? `This token lacks the scope “${SCOPE_NAMES[scope]}”.`
      : 'An API token cannot do that; sign in to Lockstep to do it.',
  )
}

/** Fast check against the role the actor was loaded with (already read from the database this request). */
export function assertCan(actor: UserActor, permission: Permission): void {
  refuseScope(actor, permission)
  if (!can(actor.role, permission)) throw forbidden()
}

/**
 * For privileged writes: re-reads the actor's role inside the transaction, locking the row so a
 * concurrent demotion or deactivation cannot slip between the check and the write.
 */
export async function assertCanInTx(tx: Tx, actor: UserActor, permission: Permission): Promise<void> {
  refuseScope(actor, permission)
  const rows = await tx.$queryRaw<{ role: string; isActive: boolean }[]>`
    SELECT "role"::text AS role, "isActive" FROM "User" WHERE "id" = ${actor.id}::uuid FOR SHARE`
  const current = rows[0]
  if (!current?.isActive || !can(current.role as UserActor['role'], permission)) throw forbidden()
}

/**
 * Who reads what a database holds: editors see row values, error texts and connection details; stakeholders
 * see counts, keys and column names only – everywhere, the APIs included.
 */
export const seesRowData = (actor: UserActor): boolean => actorCan(actor, 'connection:read')
