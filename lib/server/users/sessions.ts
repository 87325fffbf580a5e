import 'server-only'
import type { SessionClaims } from '@/lib/auth/session-rules'
import { db, type Tx } from '@/lib/db'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'

// Signed-in sessions, kept server-side: the session cookie names one, and counts only while it is open.
// Signing out ends that session; a change to someone's access (deactivation, role, password, second factor)
// ends all of theirs, in the transaction that makes the change.

export type SessionEndReason = 'sign-out' | 'deactivated' | 'role-changed' | 'password-reset' | 'mfa-reset'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SEEN_EVERY_MS = 60_000

/** Inside the sign-in's transaction: opens the session the new cookie will name. */
export async function startSessionInTx(
  tx: Tx,
  userId: string,
  sessionId: string,
  origin: string | null,
  now = Date.now(),
): Promise<void> {
  await tx.userSession.create({
    data: { id: sessionId, userId, origin, createdAt: new Date(now), lastSeenAt: new Date(now) },
  })
}

/**
 * Internal: the session lookup behind every request. Unauthenticated by design (the claims come from a cookie
 * Auth.js has decrypted); answers the user while the session is open, the user active, and the cookie issued
 * after their access last changed – else null. Returns nothing secret.
 */
export async function findOpenSession(claims: SessionClaims) {
  if (!UUID.test(claims.userId) || !UUID.test(claims.sessionId)) return null
  const session = await db.userSession.findFirst({
    where: {
      id: claims.sessionId,
      userId: claims.userId,
      revokedAt: null,
      user: { isActive: true, sessionVersion: claims.sessionVersion },
    },
    select: { user: { select: { id: true, email: true, name: true, role: true, totpEnabledAt: true } } },
  })
  return session?.user ?? null
}

/** For the session endpoint, which renews the cookie: true while the session is open, noting it as seen (at most once a minute). */
export async function renewOpenSession(claims: SessionClaims, now = Date.now()): Promise<boolean> {
  if (!(await findOpenSession(claims))) return false
  await db.userSession.updateMany({
    where: { id: claims.sessionId, lastSeenAt: { lt: new Date(now - SEEN_EVERY_MS) } },
    data: { lastSeenAt: new Date(now) },
  })
  return true
}

/** The person themselves (their own cookie names the session): ends it. Audited; ending an ended session changes nothing. */
export async function endSession(
  userId: string,
  sessionId: string,
  origin: string | null,
  now = Date.now(),
): Promise<boolean> {
  if (!UUID.test(userId) || !UUID.test(sessionId)) return false
  return db.$transaction(async (tx) => {
    const ended = await tx.userSession.updateMany({
      where: { id: sessionId, userId, revokedAt: null },
      data: { revokedAt: new Date(now), revokedReason: 'sign-out' },
    })
    if (ended.count === 0) return false
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, name: true, role: true },
    })
    const actor: UserActor = { kind: 'user', ...user, origin, sessionId }
    await recordAudit(tx, actor, { action: 'auth.signOut', entityType: 'User', entityId: userId })
    return true
  })
}

/** Inside a command's transaction, which has authorized it: ends every open session of `userId`. Audited when there were any. */
export async function endAllSessionsInTx(
  tx: Tx,
  actor: Actor,
  userId: string,
  reason: SessionEndReason,
  now = Date.now(),
): Promise<number> {
  const { count } = await tx.userSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date(now), revokedReason: reason },
  })
  if (count > 0)
    await recordAudit(tx, actor, {
      action: 'auth.sessionsEnded',
      entityType: 'User',
      entityId: userId,
      after: { sessions: count, reason },
    })
  return count
}
