import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { totpCode } from '@/lib/auth/totp'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { createEnvironment } from '@/lib/server/connections/commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { approveWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { auditEventsFor, makeUser, TEST_PASSWORD } from '@/lib/testing/factories'
import { authenticate } from './authenticate'
import { confirmMfaEnrolment, startMfaEnrolment } from './mfa'
import { REAUTH_MINUTES } from './reauthenticate'

const MINUTE = 60_000

/** A DBA with two-factor sign-in set up `minutesAgo`; answers their secret and recovery codes. */
async function enrolledDba(minutesAgo = 0) {
  const dba = await makeUser('DBA')
  const { secret } = await startMfaEnrolment(dba)
  const at = Date.now() - minutesAgo * MINUTE
  const { recoveryCodes } = await confirmMfaEnrolment(dba, totpCode(secret, at), at)
  return { dba, secret, recoveryCodes }
}

async function protectedWindow() {
  const admin = await makeUser('ADMIN')
  const lead = await makeUser('LEAD')
  const name = `prod-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(admin, { name, description: '', protected: true })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Reauth ${name}` }))
  const hour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()
  const { id } = await requestWindow(
    lead,
    ZRequestWindow.parse({ environmentId, planId, startsAt: hour(2), endsAt: hour(3), reason: 'Cutover' }),
  )
  return { id, name }
}

const statusOf = async (id: string) => (await db.maintenanceWindow.findUniqueOrThrow({ where: { id } })).status

describe('signing in with a second factor', () => {
  it('asks for a code after the right password, refuses a wrong one (counted), and remembers a right one for this session', async () => {
    const { dba, secret } = await enrolledDba(1)
    expect(await authenticate(dba.email, 'wrong password', null)).toEqual({ ok: false, reason: 'invalid' })
    expect(await authenticate(dba.email, TEST_PASSWORD, null)).toEqual({ ok: false, reason: 'code-required' })
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code: '000000' })).toEqual({
      ok: false,
      reason: 'code-invalid',
    })
    expect((await db.user.findUniqueOrThrow({ where: { id: dba.id } })).failedSignIns).toBe(2)

    const sessionId = randomUUID()
    const result = await authenticate(dba.email, TEST_PASSWORD, '10.0.0.9', { code: totpCode(secret), sessionId })
    expect(result).toMatchObject({ ok: true, secondFactor: 'totp', user: { id: dba.id } })
    const user = await db.user.findUniqueOrThrow({ where: { id: dba.id } })
    expect(user).toMatchObject({ failedSignIns: 0, secondFactorSession: sessionId })
    expect((await auditEventsFor(dba.id)).map((e) => e.action)).toEqual([
      'user.mfa-enable',
      'auth.signInFailed',
      'auth.secondFactorFailed',
      'auth.signIn',
    ])
    // The same code again, a moment later, is refused: it was seen once.
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code: totpCode(secret), sessionId })).toEqual({
      ok: false,
      reason: 'code-invalid',
    })
  })

  it('locks the account after too many wrong codes, even with the right password', async () => {
    const { dba, secret } = await enrolledDba(1)
    for (let i = 0; i < 5; i++) await authenticate(dba.email, TEST_PASSWORD, null, { code: `00000${i}` })
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code: totpCode(secret) })).toMatchObject({
      ok: false,
      reason: 'locked',
    })
    expect((await auditEventsFor(dba.id)).at(-1)?.action).toBe('auth.lockout')
  })

  it('signs in with a recovery code once', async () => {
    const { dba, recoveryCodes } = await enrolledDba(1)
    const code = recoveryCodes[0] ?? ''
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code })).toMatchObject({
      ok: true,
      secondFactor: 'recovery',
    })
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code })).toEqual({ ok: false, reason: 'code-invalid' })
  })
})

describe('re-authentication before changing production', () => {
  it(`approves a protected window only with a code from this session in the last ${REAUTH_MINUTES} minutes`, async () => {
    const { dba, secret } = await enrolledDba(REAUTH_MINUTES + 1)
    const { id, name } = await protectedWindow()
    // The code entered at enrolment is older than the limit.
    await expect(approveWindow(dba, { windowId: id, note: '', confirm: name })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
      message: expect.stringContaining(`approve a window on “${name}”`),
    })
    await expect(approveWindow(dba, { windowId: id, note: '', confirm: name, code: '123456' })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
      message: expect.stringContaining('not right'),
    })
    expect(await statusOf(id)).toBe('REQUESTED')

    // A code entered in another session counts for that session only.
    const otherSession: UserActor = { ...dba, sessionId: randomUUID() }
    await approveWindow(otherSession, { windowId: id, note: '', confirm: name, code: totpCode(secret) })
    expect(await statusOf(id)).toBe('APPROVED')
    const next = await protectedWindow()
    await expect(approveWindow(dba, { windowId: next.id, note: '', confirm: next.name })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
    })
    await approveWindow(otherSession, { windowId: next.id, note: '', confirm: next.name })
    expect(await statusOf(next.id)).toBe('APPROVED')
    expect((await auditEventsFor(dba.id)).map((e) => e.action)).toEqual([
      'user.mfa-enable',
      'auth.reauthFailed',
      'auth.reauthenticate',
    ])
  })

  it('keeps the window as it was when the code is wrong, and counts the wrong code', async () => {
    const { dba, secret } = await enrolledDba(REAUTH_MINUTES + 1)
    const { id, name } = await protectedWindow()
    await expect(approveWindow(dba, { windowId: id, note: '', confirm: name, code: '999999' })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
    })
    expect((await db.user.findUniqueOrThrow({ where: { id: dba.id } })).failedSignIns).toBe(1)
    await approveWindow(dba, { windowId: id, note: 'ok', confirm: name, code: totpCode(secret) })
    expect(await statusOf(id)).toBe('APPROVED')
    expect((await db.user.findUniqueOrThrow({ where: { id: dba.id } })).failedSignIns).toBe(0)
  })
})
