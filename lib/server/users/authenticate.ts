import 'server-only'
import { db } from '@/lib/db'
import { DUMMY_PASSWORD_HASH, verifyPassword } from '@/lib/auth/password'
import { currentSso } from '@/lib/auth/sso'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { isSsoRequired } from '@/lib/server/settings/sign-in-settings'
import { verifySecondFactor, type SecondFactor } from './mfa'
import { describeWait, normaliseEmail } from './rules'
import { startSessionInTx } from './sessions'
import {
  countAccountAttempt,
  countAddressAttempt,
  countUnknownEmailAttempt,
  uncountAccountAttempt,
  uncountAddressAttempt,
  type Attempt,
} from './sign-in-limits'

export type AuthenticateResult =
  | {
      ok: true
      user: { id: string; email: string; name: string; sessionVersion: number }
      secondFactor: SecondFactor | null
    }
  | { ok: false; reason: 'invalid' | 'code-required' | 'code-invalid' | 'sso-required' }
  | { ok: false; reason: 'locked'; retryIn: string }

/**
 * Checks a sign-in: the password, then – for anyone with two-factor sign-in set up – a code from their
 * authenticator or a recovery code. Unauthenticated by nature. Each attempt is counted before it is checked,
 * against the account (wrong passwords and wrong codes alike) and against the client address (`origin`), so
 * attempts sent at once cannot outrun either limit (sign-in-limits.ts). An email that names no active account
 * is counted and answered exactly as an account is, after a password check just as slow. Every outcome that
 * changes state is audited. `sessionId` names the session a sign-in opens (sessions.ts), which a correct code
 * is remembered for (re-authentication, lib/server/users/reauthenticate.ts).
 */
export async function authenticate(
  emailInput: string,
  password: string,
  origin: string | null,
  factor: { code?: string; sessionId?: string } = {},
): Promise<AuthenticateResult> {
  const email = normaliseEmail(emailInput)
  const now = Date.now()
  const fromAddress = await countAddressAttempt(origin, now)
  if (!fromAddress.ok) return { ok: false, reason: 'locked', retryIn: fromAddress.retryIn }
  const user = await db.user.findUnique({ where: { email } })
  // A service account and a person who signs in only through single sign-on have no password to check: such an
  // email answers exactly as one that names no account.
  if (!user || !user.isActive || user.isService || !user.passwordHash)
    return refuseUnknownEmail(email, password, origin, now)
  const passwordHash = user.passwordHash
  const attempt = await countAccountAttempt(user.id, now)
  if (!attempt) return refuseUnknownEmail(email, password, origin, now)
  if (!attempt.ok) return { ok: false, reason: 'locked', retryIn: attempt.retryIn }
  const actor: UserActor = { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role, origin }
  if (!(await verifyPassword(passwordHash, password)))
    return failure(await auditFailure(actor, 'auth.signInFailed', attempt), 'invalid')
  // With single sign-on required, only admins keep their password (break-glass, should the identity provider fail).
  // Said only after a right password, so the answer tells a stranger nothing about the account.
  if (user.role !== 'ADMIN' && (await isSsoRequired(currentSso() !== null))) {
    await Promise.all([uncountAccountAttempt(user.id, attempt), uncountAddressAttempt(fromAddress)])
    await db.$transaction((tx) =>
      recordAudit(tx, actor, {
        action: 'auth.signInRefused',
        entityType: 'User',
        entityId: user.id,
        after: { reason: 'sso-required' },
      }),
    )
    return { ok: false, reason: 'sso-required' }
  }

  let secondFactor: SecondFactor | null = null
  if (user.totpEnabledAt) {
    // The password was right; the same answer for a missing code whatever the account, so nothing else leaks.
    if (!factor.code?.trim()) {
      await Promise.all([uncountAccountAttempt(user.id, attempt), uncountAddressAttempt(fromAddress)])
      return { ok: false, reason: 'code-required' }
    }
    secondFactor = await verifySecondFactor(user.id, factor.code, actor, now)
    if (!secondFactor) return failure(await auditFailure(actor, 'auth.secondFactorFailed', attempt), 'code-invalid')
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
    await uncountAddressAttempt(fromAddress, tx)
    if (factor.sessionId) await startSessionInTx(tx, user.id, factor.sessionId, origin, now)
    await recordAudit(tx, actor, {
      action: 'auth.signIn',
      entityType: 'User',
      entityId: user.id,
      after: secondFactor ? { secondFactor } : undefined,
    })
  })
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
    secondFactor,
  }
}

/** No such account, or a deactivated one: the same count, the same lock and an equally slow refusal. */
async function refuseUnknownEmail(
  email: string,
  password: string,
  origin: string | null,
  now: number,
): Promise<AuthenticateResult> {
  const attempt = await countUnknownEmailAttempt(email, now)
  if (!attempt.ok) return { ok: false, reason: 'locked', retryIn: attempt.retryIn }
  await verifyPassword(DUMMY_PASSWORD_HASH, password)
  const visitor: Actor = { kind: 'system', label: 'anonymous', origin }
  return failure(await auditFailure(visitor, 'auth.signInFailed', attempt), 'invalid')
}

const failure = (lockMs: number, reason: 'invalid' | 'code-invalid'): AuthenticateResult =>
  lockMs ? { ok: false, reason: 'locked', retryIn: describeWait(lockMs) } : { ok: false, reason }

/**
 * A wrong password or code, already counted when the attempt was (sign-in-limits.ts): audited as `action`, or
 * as a lockout when this failure locked the account (or, for an unknown email, its count). Answers how long the
 * lock lasts (0: none).
 */
export async function auditFailure(
  actor: Actor,
  action: string,
  attempt: Extract<Attempt, { ok: true }>,
): Promise<number> {
  const { failures, lockMs } = attempt
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: lockMs ? 'auth.lockout' : action,
      entityType: 'User',
      entityId: actor.kind === 'user' ? actor.id : null,
      after: { failedSignIns: failures, ...(lockMs ? { lockedForSeconds: lockMs / 1000, after: action } : {}) },
    }),
  )
  return lockMs
}
