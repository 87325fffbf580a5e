import 'server-only'
import { requiresMfa } from '@/lib/auth/totp'
import { SCOPE_NAMES } from '@/lib/auth/scopes'
import { db, Prisma, type Tx } from '@/lib/db'
import type { ApiScope, Role } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, DomainError, forbidden, invalid, notFound } from '@/lib/server/errors'
import { assertRecentSecondFactorInTx, reauthenticate } from '@/lib/server/users/reauthenticate'
import {
  expiryOf,
  type TCreateServiceAccount,
  type TCreateServiceToken,
  type TCreateToken,
  type TRevokeToken,
} from './schemas'
import { newTokenSecret } from './secret'
import { serviceEmailOf } from './service-email'

// Creating and revoking API tokens. A token is created by a person for themselves, or by an admin for a
// service account; either way its secret is returned once, here, and only its hash is kept.

export type CreatedToken = { id: string; name: string; secret: string; prefix: string; expiresAt: string | null }

/** True when this session entered a code within the re-authentication limit (never throws). */
async function hasFreshSecondFactor(tx: Tx, actor: UserActor, now: Date): Promise<boolean> {
  try {
    await assertRecentSecondFactorInTx(tx, actor, 'create an API token', now.getTime())
    return true
  } catch (error) {
    if (error instanceof DomainError && error.code === 'REAUTHENTICATE') return false
    throw error
  }
}

async function insertToken(
  tx: Tx,
  actor: UserActor,
  owner: { id: string; email: string; role: Role },
  input: { name: string; scopes: ApiScope[]; expiresInDays: TCreateToken['expiresInDays'] },
  o: { action: 'token.create' | 'token.createService'; secondFactor: boolean; now: Date },
): Promise<CreatedToken> {
  const { secret, secretHash, prefix } = newTokenSecret()
  const scopes = [...new Set(input.scopes)]
  const token = await tx.apiToken.create({
    data: {
      userId: owner.id,
      name: input.name,
      prefix,
      secretHash,
      scopes,
      expiresAt: expiryOf(input.expiresInDays, o.now),
      createdById: actor.id,
    },
  })
  await recordAudit(tx, actor, {
    action: o.action,
    entityType: 'ApiToken',
    entityId: token.id,
    after: {
      name: token.name,
      owner: owner.email,
      role: owner.role,
      prefix,
      scopes: scopes.map((s) => SCOPE_NAMES[s]),
      expiresAt: token.expiresAt?.toISOString() ?? null,
      // Read by assertRecentSecondFactorInTx when the token starts a run on a protected environment.
      secondFactor: o.secondFactor,
    },
  })
  return { id: token.id, name: token.name, secret, prefix, expiresAt: token.expiresAt?.toISOString() ?? null }
}

/**
 * Anyone signed in, for themselves. A person whose role requires two-factor sign-in must have entered a code in
 * this session within the last 15 minutes (or send one now): the token acts for them without one later.
 */
export async function createToken(actor: UserActor, input: TCreateToken, now = new Date()): Promise<CreatedToken> {
  if (actor.token) throw forbidden()
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'account:own')
    const fresh = await hasFreshSecondFactor(tx, actor, now)
    if (requiresMfa(actor.role) && !fresh)
      await assertRecentSecondFactorInTx(tx, actor, 'create an API token', now.getTime())
    return insertToken(tx, actor, actor, input, { action: 'token.create', secondFactor: fresh, now })
  })
}

/** Admins: a service account (it never signs in: no password) with a role, and its first token. */
export async function createServiceAccount(
  actor: UserActor,
  input: TCreateServiceAccount,
  now = new Date(),
): Promise<CreatedToken & { userId: string; email: string }> {
  if (actor.token) throw forbidden()
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  const email = serviceEmailOf(input.accountName)
  if (!email)
    throw invalid('Use letters or digits in the name.', { accountName: ['Use letters or digits in the name.'] })
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'user:manage')
      await assertRecentSecondFactorInTx(tx, actor, 'create a service account', now.getTime())
      const user = await tx.user.create({
        data: { email, name: input.accountName, role: input.role, passwordHash: null, isService: true },
      })
      await recordAudit(tx, actor, {
        action: 'user.createService',
        entityType: 'User',
        entityId: user.id,
        after: { email, name: user.name, role: user.role, isService: true },
      })
      const token = await insertToken(tx, actor, user, input, {
        action: 'token.createService',
        secondFactor: true,
        now,
      })
      return { ...token, userId: user.id, email }
    })
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw invalid(`A service account “${email}” exists already.`, {
        accountName: [`A service account “${email}” exists already; choose another name.`],
      })
    throw error
  }
}

/** Admins: another token for an active service account. */
export async function createServiceToken(
  actor: UserActor,
  input: TCreateServiceToken,
  now = new Date(),
): Promise<CreatedToken> {
  if (actor.token) throw forbidden()
  if (input.code) await reauthenticate(actor, input.code, now.getTime())
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    const owner = await tx.user.findFirst({ where: { id: input.userId, isService: true } })
    if (!owner) throw notFound('Service account')
    await assertRecentSecondFactorInTx(tx, actor, 'create a service token', now.getTime())
    if (!owner.isActive) throw conflict(`The service account “${owner.name}” is deactivated.`)
    return insertToken(tx, actor, owner, input, { action: 'token.createService', secondFactor: true, now })
  })
}

/** The token's owner, or an admin. Revoking twice changes nothing. */
export async function revokeToken(actor: UserActor, input: TRevokeToken, now = new Date()): Promise<{ id: string }> {
  if (actor.token) throw forbidden()
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: input.tokenId }, include: { user: true } })
    if (!token) throw notFound('Token')
    if (token.userId === actor.id) await assertCanInTx(tx, actor, 'account:own')
    else await assertCanInTx(tx, actor, 'user:manage').catch(() => Promise.reject(notFound('Token')))
    if (token.revokedAt) return { id: token.id }
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: now } })
    await recordAudit(tx, actor, {
      action: 'token.revoke',
      entityType: 'ApiToken',
      entityId: token.id,
      after: { name: token.name, owner: token.user.email, prefix: token.prefix },
    })
    return { id: token.id }
  })
}
