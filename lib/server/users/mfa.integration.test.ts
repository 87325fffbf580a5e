import { describe, expect, it } from 'vitest'
import { totpCode } from '@/lib/auth/totp'
import { db } from '@/lib/db'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { confirmMfaEnrolment, resetMfa, startMfaEnrolment, verifySecondFactor } from './mfa'

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0)
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal')
    },
    (e: { code?: string; message: string }) => e,
  )

describe('two-factor sign-in', () => {
  it('enrols with a code, stores the secret encrypted, answers ten recovery codes once, and audits it', async () => {
    const dba = await makeUser('DBA')
    const { secret, uri, qrSvg } = await startMfaEnrolment(dba)
    expect(uri).toContain(`secret=${secret}`)
    expect(qrSvg).toMatch(/^<svg/)
    const stored = await db.user.findUniqueOrThrow({ where: { id: dba.id } })
    expect(stored.totpEnabledAt).toBeNull()
    expect(Buffer.from(stored.totpPending ?? []).toString('latin1')).not.toContain(secret)

    expect((await refusal(confirmMfaEnrolment(dba, '000000', T0))).code).toBe('INVALID')
    const { recoveryCodes } = await confirmMfaEnrolment(dba, totpCode(secret, T0), T0)
    expect(recoveryCodes).toHaveLength(10)
    const enrolled = await db.user.findUniqueOrThrow({ where: { id: dba.id }, include: { recoveryCodes: true } })
    expect(enrolled.totpEnabledAt).not.toBeNull()
    expect(enrolled.totpPending).toBeNull()
    expect(enrolled.recoveryCodes.map((c) => c.codeHash)).not.toContain(recoveryCodes[0])
    expect((await auditEventsFor(dba.id)).map((e) => e.action)).toContain('user.mfa-enable')
    expect((await refusal(startMfaEnrolment(dba))).code).toBe('CONFLICT')
  })

  it('accepts a code once, a recovery code once, and nothing else', async () => {
    const dba = await makeUser('DBA')
    const { secret } = await startMfaEnrolment(dba)
    const { recoveryCodes } = await confirmMfaEnrolment(dba, totpCode(secret, T0), T0)
    // The enrolment's own code, and any earlier one, are spent.
    expect(await verifySecondFactor(dba.id, totpCode(secret, T0), dba, T0)).toBeNull()
    const later = T0 + 60_000
    const [first, second] = await Promise.all([
      verifySecondFactor(dba.id, totpCode(secret, later), dba, later),
      verifySecondFactor(dba.id, totpCode(secret, later), dba, later),
    ])
    expect([first, second].sort()).toEqual([null, 'totp'])
    expect(await verifySecondFactor(dba.id, '123456', dba, later + 30_000)).toBeNull()
    const recovery = recoveryCodes[3] ?? ''
    expect(await verifySecondFactor(dba.id, recovery.toUpperCase(), dba, later)).toBe('recovery')
    expect(await verifySecondFactor(dba.id, recovery, dba, later)).toBeNull()
    expect(await db.recoveryCode.count({ where: { userId: dba.id, usedAt: null } })).toBe(9)
    expect((await auditEventsFor(dba.id)).filter((e) => e.action === 'user.recovery-code-used')).toHaveLength(1)
    // Someone without a second factor has nothing to verify against.
    const lead = await makeUser('LEAD')
    expect(await verifySecondFactor(lead.id, totpCode(secret, later), lead, later)).toBeNull()
  })

  it('an admin resets a lost authenticator: the sessions end and the person enrols again', async () => {
    const dba = await makeUser('DBA')
    const { secret } = await startMfaEnrolment(dba)
    await confirmMfaEnrolment(dba, totpCode(secret, T0), T0)
    const before = (await db.user.findUniqueOrThrow({ where: { id: dba.id } })).sessionVersion
    expect((await refusal(resetMfa(await makeUser('DBA'), dba.id))).code).toBe('FORBIDDEN')
    await resetMfa(await makeUser('ADMIN'), dba.id)
    const after = await db.user.findUniqueOrThrow({ where: { id: dba.id }, include: { recoveryCodes: true } })
    expect([after.totpSecret, after.totpEnabledAt, after.recoveryCodes.length, after.sessionVersion]).toEqual([
      null,
      null,
      0,
      before + 1,
    ])
    expect((await auditEventsFor(dba.id)).map((e) => e.action)).toContain('user.mfa-reset')
    expect((await startMfaEnrolment(dba)).secret).not.toBe(secret)
  })
})
