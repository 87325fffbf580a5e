import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/password'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { verifySecondFactor, type SecondFactor } from './mfa'
import { describeWait, lockoutMs, normaliseEmail } from './rules'

export type AuthenticateResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number }; secondFactor: SecondFactor | null }
  | { ok: false; reason: 'invalid' | 'code-required' | 'code-invalid' }
  | { ok: false; reason: 'locked'; retryIn: string }

/**
 * Checks a sign-in: the password, then – for anyone with two-factor sign-in set up – a code from their
 * authenticator or a recovery code. Unauthenticated by nature; wrong passwords and wrong codes count towards
 * the same lockout, and every outcome that changes state is audited in the same transaction. `sessionId` names
 * the session a correct code is remembered for (re-authentication, lib/server/users/reauthenticate.ts).
 */
export async function authenticate(
  emailInput: string,
  password: string,
  origin: string | null,
  factor: { code?: string; sessionId?: string } = {},
): Promise<AuthenticateResult> {
  const email = normaliseEmail(emailInput)
  const user = await db.user.findUnique({ where: { email } })
  if (!user || !user.isActive) {
    await verifyPassword(await dummyPasswordHash(), password)
    return { ok: false, reason: 'invalid' }
  }
  const now = Date.now()
  const locked = lockedFor(user.lockedUntil, now)
  if (locked) return { ok: false, reason: 'locked', retryIn: locked }
  const actor: UserActor = { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role, origin }
  if (!(await verifyPassword(user.passwordHash, password))) return failure(await recordFailedAttempt(actor, 'auth.signInFailed', now), 'invalid')

  let secondFactor: SecondFactor | null = null
  if (user.totpEnabledAt) {
    // The password was right; the same answer for a missing code whatever the account, so nothing else leaks.
    if (!factor.code?.trim()) return { ok: false, reason: 'code-required' }
    secondFactor = await verifySecondFactor(user.id, factor.code, actor, now)
    if (!secondFactor) return failure(await recordFailedAttempt(actor, 'auth.secondFactorFailed', now), 'code-invalid')
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: {
        failedSignIns: 0,
        lockedUntil: null,
        lastSignInAt: new Date(now),
        ...(secondFactor ? { secondFactorAt: new Date(now), secondFactorSession: factor.sessionId ?? null } : {}),
      },
    })
    await recordAudit(tx, actor, { action: 'auth.signIn', entityType: 'User', entityId: user.id, after: secondFactor ? { secondFactor } : undefined })
  })
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion }, secondFactor }
}

const failure = (lockMs: number, reason: 'invalid' | 'code-invalid'): AuthenticateResult =>
  lockMs ? { ok: false, reason: 'locked', retryIn: describeWait(lockMs) } : { ok: false, reason }

/** How long an account stays locked from `now`, in words, or null. */
export function lockedFor(lockedUntil: Date | null, now = Date.now()): string | null {
  return lockedUntil && lockedUntil.getTime() > now ? describeWait(lockedUntil.getTime() - now) : null
}

/**
 * A wrong password or code: counted in the database (so concurrent guesses cannot share one count), locking
 * the account past the limit. Audited as `action`, or as a lockout. Answers how long the lock lasts (0: none).
 */
export async function recordFailedAttempt(actor: UserActor, action: string, now = Date.now()): Promise<number> {
  return db.$transaction(async (tx) => {
    const { failedSignIns } = await tx.user.update({ where: { id: actor.id }, data: { failedSignIns: { increment: 1 } }, select: { failedSignIns: true } })
    const ms = lockoutMs(failedSignIns, appEnv().SIGNIN_MAX_FAILURES)
    if (ms) await tx.user.update({ where: { id: actor.id }, data: { lockedUntil: new Date(now + ms) } })
    await recordAudit(tx, actor, {
      action: ms ? 'auth.lockout' : action,
      entityType: 'User',
      entityId: actor.id,
      after: { failedSignIns, ...(ms ? { lockedForSeconds: ms / 1000, after: action } : {}) },
    })
    return ms
  })
}
