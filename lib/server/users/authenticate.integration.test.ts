import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { auditEventsFor, makeUser, TEST_PASSWORD } from '@/lib/testing/factories'
import { authenticate } from './authenticate'

describe('authenticate', () => {
  it('accepts the right password, case-insensitively on the email, and audits the sign-in', async () => {
    const lead = await makeUser('LEAD')
    const result = await authenticate(`  ${lead.email.toUpperCase()} `, TEST_PASSWORD, '10.0.0.7')
    expect(result).toMatchObject({ ok: true, user: { id: lead.id } })
    const events = await auditEventsFor(lead.id)
    expect(events.map((e) => [e.action, e.origin])).toEqual([['auth.signIn', '10.0.0.7']])
    expect((await db.user.findUniqueOrThrow({ where: { id: lead.id } })).lastSignInAt).not.toBeNull()
  })

  it('refuses a wrong password and counts the failure', async () => {
    const lead = await makeUser('LEAD')
    expect(await authenticate(lead.email, 'not the password', null)).toEqual({ ok: false, reason: 'invalid' })
    expect((await db.user.findUniqueOrThrow({ where: { id: lead.id } })).failedSignIns).toBe(1)
    expect((await auditEventsFor(lead.id)).map((e) => e.action)).toEqual(['auth.signInFailed'])
  })

  it('locks the account after repeated failures, even against the right password', async () => {
    const dba = await makeUser('DBA')
    const results = []
    for (let i = 0; i < 5; i++) results.push(await authenticate(dba.email, `guess ${i}`, null))
    expect(results.slice(0, 4).every((r) => !r.ok && r.reason === 'invalid')).toBe(true)
    expect(results[4]).toMatchObject({ ok: false, reason: 'locked', retryIn: '30 seconds' })
    expect(await authenticate(dba.email, TEST_PASSWORD, null)).toMatchObject({ ok: false, reason: 'locked' })
    const stored = await db.user.findUniqueOrThrow({ where: { id: dba.id } })
    expect(stored.lockedUntil?.getTime()).toBeGreaterThan(Date.now())
    expect((await auditEventsFor(dba.id)).at(-1)?.action).toBe('auth.lockout')
  })

  it('counts concurrent failures without losing any', async () => {
    const lead = await makeUser('LEAD')
    await Promise.all([1, 2, 3].map((i) => authenticate(lead.email, `parallel ${i}`, null)))
    expect((await db.user.findUniqueOrThrow({ where: { id: lead.id } })).failedSignIns).toBe(3)
  })

  it('refuses deactivated and unknown users alike, changing nothing on the account', async () => {
    const gone = await makeUser('LEAD', { isActive: false })
    expect(await authenticate(gone.email, TEST_PASSWORD, null)).toEqual({ ok: false, reason: 'invalid' })
    expect(await authenticate('nobody@test.lockstep', TEST_PASSWORD, null)).toEqual({ ok: false, reason: 'invalid' })
    expect(await auditEventsFor(gone.id)).toHaveLength(0)
  })
})
