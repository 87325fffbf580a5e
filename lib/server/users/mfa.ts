import 'server-only'
import QRCode from 'qrcode'
import { db, type Tx } from '@/lib/db'
import {
  acceptedStep,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  recoveryHash,
  requiresMfa,
  totpContext,
  totpUri,
} from '@/lib/auth/totp'
import type { Actor, UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { decryptSecret, encryptSecret } from '@/lib/server/connections/secrets'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { endAllSessionsInTx } from './sessions'

// Two-factor sign-in: a person enrols their own authenticator (a secret shown once as a QR code, confirmed
// with a code, answered with ten recovery codes shown once); sign-in and re-authentication check a code
// against it; an admin can reset it for someone who lost their device. Secrets are encrypted at rest and
// bound to their user; recovery codes are kept as SHA-256 only.

const WRONG_CODE = 'That code is not right. Enter the 6 digits your authenticator shows now (or a recovery code).'

export type MfaStatusDTO = { required: boolean; enabledAt: string | null; recoveryCodesLeft: number }

/** The person themselves: whether two-factor sign-in is on, and how many recovery codes are left. */
export async function getMfaStatus(actor: UserActor): Promise<MfaStatusDTO> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { role: true, totpEnabledAt: true } })
  if (!user) throw notFound('User')
  const recoveryCodesLeft = user.totpEnabledAt
    ? await db.recoveryCode.count({ where: { userId: actor.id, usedAt: null } })
    : 0
  return { required: requiresMfa(user.role), enabledAt: user.totpEnabledAt?.toISOString() ?? null, recoveryCodesLeft }
}

export type MfaEnrolment = { secret: string; uri: string; qrSvg: string }

/** The person themselves: starts (or restarts) an enrolment. Nothing changes for sign-in until it is confirmed. */
export async function startMfaEnrolment(actor: UserActor): Promise<MfaEnrolment> {
  const secret = newTotpSecret()
  const uri = totpUri(secret, actor.email)
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: actor.id }, select: { totpEnabledAt: true } })
    if (!user) throw notFound('User')
    if (user.totpEnabledAt)
      throw conflict('Two-factor sign-in is already set up. An admin can reset it if you lost your authenticator.')
    await tx.user.update({
      where: { id: actor.id },
      data: { totpPending: Uint8Array.from(encryptSecret(secret, totpContext(actor.id))) },
    })
  })
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) }
}

/** The person themselves: confirms the enrolment with a code from the authenticator; answers the recovery codes, once. Audited. */
export async function confirmMfaEnrolment(
  actor: UserActor,
  code: string,
  now = Date.now(),
): Promise<{ recoveryCodes: string[] }> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: actor.id },
      select: { totpPending: true, totpEnabledAt: true },
    })
    if (!user) throw notFound('User')
    if (user.totpEnabledAt) throw conflict('Two-factor sign-in is already set up.')
    if (!user.totpPending) throw conflict('Start the set-up again: no enrolment is waiting for a code.')
    const step = acceptedStep(decryptSecret(user.totpPending, totpContext(actor.id)), code, null, now)
    if (step === null) throw invalid(WRONG_CODE, { code: [WRONG_CODE] })
    const recoveryCodes = newRecoveryCodes()
    await tx.user.update({
      where: { id: actor.id },
      data: {
        totpSecret: user.totpPending,
        totpPending: null,
        totpEnabledAt: new Date(now),
        totpLastStep: step,
        // The code just entered proves presence in this session, as a sign-in with a code would.
        secondFactorAt: new Date(now),
        secondFactorSession: actor.sessionId ?? null,
      },
    })
    await tx.recoveryCode.deleteMany({ where: { userId: actor.id } })
    await tx.recoveryCode.createMany({
      data: recoveryCodes.map((c) => ({ userId: actor.id, codeHash: recoveryHash(c) })),
    })
    await recordAudit(tx, actor, {
      action: 'user.mfa-enable',
      entityType: 'User',
      entityId: actor.id,
      after: { recoveryCodes: recoveryCodes.length },
    })
    return { recoveryCodes }
  })
}

export type SecondFactor = 'totp' | 'recovery'

/**
 * No authorization (sign-in and re-authentication call it for the person proving themselves): checks a
 * code against the user's authenticator, or spends one recovery code. A code or recovery code is accepted
 * once only, even by two requests at the same moment (compare-and-set). Records what was used.
 */
export async function verifySecondFactor(
  userId: string,
  code: string,
  actor: Actor,
  now = Date.now(),
): Promise<SecondFactor | null> {
  return db.$transaction(async (tx: Tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpLastStep: true } })
    if (!user?.totpSecret) return null
    if (looksLikeRecoveryCode(code)) {
      const spent = await tx.recoveryCode.updateMany({
        where: { userId, codeHash: recoveryHash(code), usedAt: null },
        data: { usedAt: new Date(now) },
      })
      if (spent.count === 0) return null
      const left = await tx.recoveryCode.count({ where: { userId, usedAt: null } })
      await recordAudit(tx, actor, {
        action: 'user.recovery-code-used',
        entityType: 'User',
        entityId: userId,
        after: { left },
      })
      return 'recovery'
    }
    const step = acceptedStep(decryptSecret(user.totpSecret, totpContext(userId)), code, user.totpLastStep, now)
    if (step === null) return null
    const moved = await tx.user.updateMany({
      where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    })
    return moved.count === 1 ? 'totp' : null
  })
}

/** Admins (role re-read): removes someone's second factor (a lost device); their sessions end and they enrol again. Audited. */
export async function resetMfa(actor: UserActor, userId: string): Promise<{ id: string }> {
  if (!ZId.safeParse(userId).success) throw notFound('User')
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, email: true, totpEnabledAt: true },
    })
    if (!user) throw notFound('User')
    if (!user.totpEnabledAt) throw conflict(`${user.email} has no two-factor sign-in to reset.`)
    await tx.user.update({
      where: { id: userId },
      data: {
        totpSecret: null,
        totpPending: null,
        totpEnabledAt: null,
        totpLastStep: null,
        secondFactorAt: null,
        secondFactorSession: null,
        sessionVersion: { increment: 1 },
      },
    })
    await tx.recoveryCode.deleteMany({ where: { userId } })
    await recordAudit(tx, actor, {
      action: 'user.mfa-reset',
      entityType: 'User',
      entityId: userId,
      before: { email: user.email, enabledAt: user.totpEnabledAt.toISOString() },
    })
    await endAllSessionsInTx(tx, actor, userId, 'mfa-reset')
    return { id: userId }
  })
}
