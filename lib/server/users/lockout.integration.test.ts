import { describe, expect, it } from 'vitest'
import { totpCode } from '@/lib/auth/totp'
import { db, Prisma } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { makeUser, TEST_PASSWORD } from '@/lib/testing/factories'
import { authenticate } from './authenticate'
import { confirmMfaEnrolment, startMfaEnrolment } from './mfa'
import { reauthenticate } from './reauthenticate'
import { lockoutMs } from './rules'
import { lockedUntilSql } from './sign-in-limits'

// Guesses sent all at once must not outrun the lockout: a guess is counted before it is checked, so no more
// than the limit are ever checked, however many arrive together.

const LIMIT = appEnv().SIGNIN_MAX_FAILURES

async function enrolledDba() {
  const dba = await makeUser('DBA')
  const { secret } = await startMfaEnrolment(dba)
  const at = Date.now() - 60_000
  await confirmMfaEnrolment(dba, totpCode(secret, at), at)
  return { dba, secret }
}

/** A 6-digit code no step near now accepts: certainly wrong, and shaped like a real one. */
function wrongCode(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((step) => totpCode(secret, Date.now() + step * 30_000)))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!valid.has(code)) return code
  }
}

const counters = (id: string) =>
  db.user.findUniqueOrThrow({ where: { id }, select: { failedSignIns: true, lockedUntil: true } })
const checked = (id: string, actions: string[]) =>
  db.auditEvent.count({ where: { entityId: id, action: { in: [...actions, 'auth.lockout'] } } })

describe('concurrent guesses against the lockout', () => {
  it(`checks at most ${LIMIT} of 50 wrong passwords sent at once, locks the account and counts exactly what was checked`, async () => {
    const lead = await makeUser('LEAD')
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => authenticate(lead.email, `parallel guess ${i}`, null)),
    )
    expect(await checked(lead.id, ['auth.signInFailed'])).toBe(LIMIT)
    const { failedSignIns, lockedUntil } = await counters(lead.id)
    expect(failedSignIns).toBe(LIMIT)
    expect(lockedUntil?.getTime()).toBeGreaterThan(Date.now())
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(LIMIT - 1)
    expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(50 - (LIMIT - 1))
    expect(await authenticate(lead.email, TEST_PASSWORD, null)).toMatchObject({ ok: false, reason: 'locked' })
  })

  it(`lets at most ${LIMIT} of 200 wrong codes sent at once with the right password reach the code check`, async () => {
    const { dba, secret } = await enrolledDba()
    const code = wrongCode(secret)
    const results = await Promise.all(
      Array.from({ length: 200 }, () => authenticate(dba.email, TEST_PASSWORD, null, { code })),
    )
    expect(results.some((r) => r.ok)).toBe(false)
    expect(await checked(dba.id, ['auth.secondFactorFailed'])).toBe(LIMIT)
    expect((await counters(dba.id)).failedSignIns).toBe(LIMIT)
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code: totpCode(secret) })).toMatchObject({
      ok: false,
      reason: 'locked',
    })
  })

  it(`checks at most ${LIMIT} of 50 wrong re-authentication codes sent at once`, async () => {
    const { dba, secret } = await enrolledDba()
    const code = wrongCode(secret)
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => reauthenticate(dba, code)))
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true)
    expect(await checked(dba.id, ['auth.reauthFailed'])).toBe(LIMIT)
    expect((await counters(dba.id)).failedSignIns).toBe(LIMIT)
    await expect(reauthenticate(dba, totpCode(secret))).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
      message: expect.stringContaining('Try again in'),
    })
  })

  it('does not count the right password asking for its code, even many times at once', async () => {
    const { dba, secret } = await enrolledDba()
    for (let i = 0; i < LIMIT + 2; i++)
      expect(await authenticate(dba.email, TEST_PASSWORD, null)).toEqual({ ok: false, reason: 'code-required' })
    await Promise.all(Array.from({ length: 20 }, () => authenticate(dba.email, TEST_PASSWORD, null)))
    expect(await counters(dba.id)).toEqual({ failedSignIns: 0, lockedUntil: null })
    expect(await authenticate(dba.email, TEST_PASSWORD, null, { code: totpCode(secret) })).toMatchObject({ ok: true })
  })

  it('clears the count and the lock it may have set when the guess that reached the limit was right', async () => {
    const { dba, secret } = await enrolledDba()
    for (let i = 0; i < LIMIT - 1; i++) await reauthenticate(dba, wrongCode(secret)).catch(() => undefined)
    await reauthenticate(dba, totpCode(secret))
    expect(await counters(dba.id)).toEqual({ failedSignIns: 0, lockedUntil: null })
  })

  it(`checks one guess once a lock has run out, however many arrive, and locks again for twice as long`, async () => {
    const lead = await makeUser('LEAD')
    for (let i = 0; i < LIMIT; i++) await authenticate(lead.email, `guess ${i}`, null)
    await db.user.update({ where: { id: lead.id }, data: { lockedUntil: new Date(Date.now() - 1_000) } })
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => authenticate(lead.email, `later guess ${i}`, null)),
    )
    expect(await checked(lead.id, ['auth.signInFailed'])).toBe(LIMIT + 1)
    expect((await counters(lead.id)).failedSignIns).toBe(LIMIT + 1)
    expect(results.every((r) => !r.ok && r.reason === 'locked' && r.retryIn === '1 minute')).toBe(true)
  })
})

describe('the lockout the database applies', () => {
  it('is lockoutMs, failure by failure', async () => {
    const at = new Date()
    for (let failures = 0; failures <= LIMIT + 8; failures++) {
      const [row] = await db.$queryRaw<{ ms: number | null }[]>`
        SELECT (EXTRACT(EPOCH FROM (${lockedUntilSql(Prisma.sql`${failures}::int`, at, LIMIT)} - ${at}::timestamptz)) * 1000)::float8 AS ms`
      expect(row?.ms ?? 0, `${failures} failures`).toBe(lockoutMs(failures, LIMIT))
    }
  })
})
