import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/password'
import { recordAudit } from '@/lib/server/audit/record'
import { describeWait, lockoutMs, normaliseEmail } from './rules'

export type AuthenticateResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryIn: string }

/**
 * Checks a password sign-in. Unauthenticated by nature; every outcome that changes state
 * (failure counters, lockout, last sign-in) is audited in the same transaction.
 */
export async function authenticate(emailInput: string, password: string, origin: string | null): Promise<AuthenticateResult> {
  const email = normaliseEmail(emailInput)
  const user = await db.user.findUnique({ where: { email } })
  if (!user || !user.isActive) {
    await verifyPassword(await dummyPasswordHash(), password)
    return { ok: false, reason: 'invalid' }
  }
  const now = Date.now()
  if (user.lockedUntil && user.lockedUntil.getTime() > now) {
    return { ok: false, reason: 'locked', retryIn: describeWait(user.lockedUntil.getTime() - now) }
  }
  const actor = { kind: 'user' as const, id: user.id, email: user.email, name: user.name, role: user.role, origin }
  if (!(await verifyPassword(user.passwordHash, password))) {
    // Incremented in the database so that concurrent guesses cannot share one count.
    const lockMs = await db.$transaction(async (tx) => {
      const { failedSignIns } = await tx.user.update({
        where: { id: user.id },
        data: { failedSignIns: { increment: 1 } },
        select: { failedSignIns: true },
      })
      const ms = lockoutMs(failedSignIns, appEnv().SIGNIN_MAX_FAILURES)
      if (ms) await tx.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(now + ms) } })
      await recordAudit(tx, actor, {
        action: ms ? 'auth.lockout' : 'auth.signInFailed',
        entityType: 'User',
        entityId: user.id,
        after: { failedSignIns, ...(ms ? { lockedForSeconds: ms / 1000 } : {}) },
      })
      return ms
    })
    if (lockMs) return { ok: false, reason: 'locked', retryIn: describeWait(lockMs) }
    return { ok: false, reason: 'invalid' }
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { failedSignIns: 0, lockedUntil: null, lastSignInAt: new Date(now) } })
    await recordAudit(tx, actor, { action: 'auth.signIn', entityType: 'User', entityId: user.id })
  })
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } }
}
