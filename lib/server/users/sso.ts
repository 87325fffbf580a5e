import 'server-only'
import { mappedRole, type RoleMapping } from '@/lib/auth/sso-roles'
import { db, type Tx } from '@/lib/db'
import type { Role } from '@/lib/generated/prisma/enums'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { endAllSessionsInTx, startSessionInTx } from './sessions'
import type { SsoIdentity } from './sso-identity'

export type SsoRules = { roleMap: readonly RoleMapping[]; defaultRole: Role | null }
export type SsoRefusal = 'disabled' | 'no-role' | 'email-in-use' | 'no-email'
export type SsoSignInResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number }; created: boolean }
  | { ok: false; reason: SsoRefusal }

type Person = { id: string; email: string; name: string; role: Role; isActive: boolean; isService: boolean }
type Context = { origin: string | null; sessionId: string; now?: number }

/**
 * A sign-in the identity provider vouched for (Auth.js has checked the ID token, state, nonce and PKCE).
 * Unauthenticated by nature. Finds the person by issuer and subject; on a first sign-in links the account
 * with the same email – only when the provider says the email is verified, and only an account not linked
 * to another identity – or creates the person, without a password, with the role their groups map to (or
 * the default role; none refuses). On every sign-in a mapped group decides the role: a change ends the
 * person's other sessions, as an admin's role change does. A deactivated person is refused. Opens the
 * server-side session `sessionId` exactly as a password sign-in does; every outcome is audited.
 */
export async function signInWithSso(
  identity: SsoIdentity,
  rules: SsoRules,
  context: Context,
): Promise<SsoSignInResult> {
  const now = context.now ?? Date.now()
  const groupRole = mappedRole(identity.groups, rules.roleMap)
  const known = await db.user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
  })
  const byEmail = !known && identity.email ? await db.user.findUnique({ where: { email: identity.email } }) : null
  const existing = known ?? byEmail
  // An unverified email, or an account already linked to another identity: never taken over, whatever its state.
  if (byEmail && (!identity.emailVerified || byEmail.oidcIssuer || byEmail.isService))
    return refuse(identity, 'email-in-use', byEmail, context)
  if (existing && (!existing.isActive || existing.isService)) return refuse(identity, 'disabled', existing, context)
  if (!existing && !identity.email) return refuse(identity, 'no-email', null, context)
  const role = groupRole ?? (existing && rules.defaultRole ? existing.role : rules.defaultRole)
  if (!role) return refuse(identity, 'no-role', existing, context)

  return db.$transaction(async (tx) => {
    const person = existing ?? (await createPerson(tx, identity, role, context.origin))
    const actor = actorOf(person, context.origin)
    if (byEmail) await linkPerson(tx, actor, identity)
    if (existing && existing.role !== role) await changeRole(tx, actor, existing.role, role)
    const user = await tx.user.update({
      where: { id: person.id },
      data: { lastSignInAt: new Date(now) },
      select: { id: true, email: true, name: true, sessionVersion: true },
    })
    await startSessionInTx(tx, user.id, context.sessionId, context.origin, now)
    await recordAudit(
      tx,
      { ...actor, sessionId: context.sessionId },
      {
        action: 'auth.ssoSignIn',
        entityType: 'User',
        entityId: user.id,
        after: { issuer: identity.issuer, role },
      },
    )
    return { ok: true as const, user, created: !existing }
  })
}

async function createPerson(tx: Tx, identity: SsoIdentity, role: Role, origin: string | null): Promise<Person> {
  const email = identity.email ?? ''
  const person = await tx.user.create({
    data: {
      email,
      name: identity.name ?? email,
      role,
      passwordHash: null,
      oidcIssuer: identity.issuer,
      oidcSubject: identity.subject,
    },
  })
  await recordAudit(tx, actorOf(person, origin), {
    action: 'user.createdBySso',
    entityType: 'User',
    entityId: person.id,
    after: { email: person.email, name: person.name, role, issuer: identity.issuer, groups: identity.groups },
  })
  return person
}

async function linkPerson(tx: Tx, actor: UserActor, identity: SsoIdentity): Promise<void> {
  await tx.user.update({
    where: { id: actor.id },
    data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject },
  })
  await recordAudit(tx, actor, {
    action: 'user.linkedBySso',
    entityType: 'User',
    entityId: actor.id,
    after: { issuer: identity.issuer, subject: identity.subject },
  })
}

// The identity provider's groups changed the person's role: like an admin's role change, every older session ends.
async function changeRole(tx: Tx, actor: UserActor, before: Role, role: Role): Promise<void> {
  await tx.user.update({ where: { id: actor.id }, data: { role, sessionVersion: { increment: 1 } } })
  await recordAudit(tx, actor, {
    action: 'user.roleChangedBySso',
    entityType: 'User',
    entityId: actor.id,
    before: { role: before },
    after: { role },
  })
  await endAllSessionsInTx(tx, actor, actor.id, 'role-changed')
}

async function refuse(
  identity: SsoIdentity,
  reason: SsoRefusal,
  person: Person | null,
  context: Context,
): Promise<SsoSignInResult> {
  const actor: Actor = person
    ? actorOf(person, context.origin)
    : { kind: 'system', label: 'anonymous', origin: context.origin }
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: 'auth.ssoRefused',
      entityType: 'User',
      entityId: person?.id ?? null,
      after: {
        reason,
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email,
        groups: identity.groups,
      },
    }),
  )
  return { ok: false, reason }
}

const actorOf = (person: Person, origin: string | null): UserActor => ({
  kind: 'user',
  id: person.id,
  email: person.email,
  name: person.name,
  role: person.role,
  origin,
})
