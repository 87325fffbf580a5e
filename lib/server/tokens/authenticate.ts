import 'server-only'
import { requiresMfa } from '@/lib/auth/totp'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { hashTokenSecret, looksLikeTokenSecret } from './secret'

// No authorization: this decides who a request with `Authorization: Bearer lst_…` acts for. The owner is read
// from the database on every request, so a token follows its owner's role as it is now – a demotion narrows
// it at once, and a deactivated owner (like a revoked or expired token) answers as no token at all.

export type TokenRequest = {
  actor: UserActor & { token: NonNullable<UserActor['token']> }
  expiresAt: Date | null
}

/** The secret of an `Authorization: Bearer …` header; null without one. Session cookies never count here. */
export function bearerSecret(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')
  return match?.[1] ?? null
}

/** The actor a token acts as, or null: unknown, revoked or expired, or its owner inactive. */
export async function authenticateToken(
  secret: string,
  origin: string | null,
  now = new Date(),
): Promise<TokenRequest | null> {
  if (!looksLikeTokenSecret(secret)) return null
  const token = await db.apiToken.findUnique({
    where: { secretHash: hashTokenSecret(secret) },
    include: {
      user: {
        select: { id: true, email: true, name: true, role: true, isActive: true, isService: true, totpEnabledAt: true },
      },
    },
  })
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null
  const { user } = token
  if (!user.isActive) return null
  // A person whose role requires two-factor sign-in and who has not set it up (an admin reset it, say) is signed
  // in for nothing else; their tokens wait too. Service accounts have no second factor to set up.
  if (!user.isService && requiresMfa(user.role) && !user.totpEnabledAt) return null
  return {
    actor: {
      kind: 'user',
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      origin,
      token: { id: token.id, name: token.name, scopes: token.scopes },
    },
    expiresAt: token.expiresAt,
  }
}

/** Every request a token made, answered or refused, and the token's last use. */
export async function recordTokenUse(
  tokenId: string,
  use: { method: string; path: string; status: number; origin: string | null },
  now = new Date(),
): Promise<void> {
  await db.$transaction([
    db.apiTokenUse.create({ data: { tokenId, ...use, path: use.path.slice(0, 500), createdAt: now } }),
    db.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: now, lastUsedFrom: use.origin } }),
  ])
}
