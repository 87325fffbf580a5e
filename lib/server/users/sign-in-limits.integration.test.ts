import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import { makeUser, TEST_PASSWORD, uniqueEmail } from '@/lib/testing/factories'
import { authenticate } from './authenticate'
import { setUserActive } from './commands'

// Sign-in must not tell whether an email names an account by its answers – and it costs the same work, one
// Argon2id check against a hash of the same parameters (lib/auth/password.test.ts) – and one client address
// may not guess at will across accounts.

const LIMIT = appEnv().SIGNIN_MAX_FAILURES
const PER_ADDRESS = appEnv().SIGNIN_MAX_FAILURES_PER_ADDRESS

/** An address no other test uses (TEST-NET-2 and the IPv6 documentation prefix). */
const freshAddress = () =>
  randomInt(2)
    ? `198.51.${randomInt(256)}.${randomInt(256)}`
    : `2001:db8:${randomInt(65536).toString(16)}:${randomInt(65536).toString(16)}::1`

const failuresFrom = (origin: string) =>
  db.auditEvent.count({ where: { origin, action: { in: ['auth.signInFailed', 'auth.lockout'] } } })

describe('unknown emails', () => {
  it('answer exactly as an account does: wrong, then locked for the same time, then locked even for any password', async () => {
    const lead = await makeUser('LEAD')
    const unknown = uniqueEmail('nobody')
    const known = []
    const other = []
    for (let i = 0; i <= LIMIT; i++) {
      known.push(await authenticate(lead.email, `guess ${i}`, null))
      other.push(await authenticate(unknown, `guess ${i}`, null))
    }
    expect(other).toEqual(known)
    expect(known.at(-1)).toMatchObject({ ok: false, reason: 'locked' })
    expect(await authenticate(unknown.toUpperCase(), TEST_PASSWORD, null)).toEqual(
      await authenticate(lead.email, TEST_PASSWORD, null),
    )
  })

  it('count for a deactivated account as for an unknown one, and the answers match', async () => {
    const admin = await makeUser('ADMIN')
    const gone = await makeUser('LEAD')
    await setUserActive(admin, { userId: gone.id, isActive: false })
    const answers = []
    for (let i = 0; i < LIMIT; i++) answers.push(await authenticate(gone.email, TEST_PASSWORD, null))
    expect(answers.slice(0, -1).every((a) => !a.ok && a.reason === 'invalid')).toBe(true)
    expect(answers.at(-1)).toMatchObject({ ok: false, reason: 'locked', retryIn: '30 seconds' })
  })
})

describe('the limit per client address', () => {
  it(`refuses an address after ${PER_ADDRESS} failures across accounts, even a right password, while other addresses sign in`, async () => {
    const address = freshAddress()
    // One wrong password per email: no single account gets near its own limit.
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await authenticate(uniqueEmail('spray'), 'Winter2026!', address)).toMatchObject({
        ok: false,
        reason: 'invalid',
      })
    const lead = await makeUser('LEAD')
    expect(await authenticate(lead.email, TEST_PASSWORD, address)).toMatchObject({
      ok: false,
      reason: 'locked',
      retryIn: expect.stringMatching(/minutes?$/),
    })
    expect(await authenticate(uniqueEmail('spray'), 'Winter2026!', address)).toMatchObject({
      ok: false,
      reason: 'locked',
    })
    expect(await authenticate(lead.email, TEST_PASSWORD, freshAddress())).toMatchObject({ ok: true })
    expect(await failuresFrom(address)).toBe(PER_ADDRESS)
  })

  it(`checks at most ${PER_ADDRESS} guesses sent at once from one address, counted exactly`, async () => {
    const address = freshAddress()
    const users = await Promise.all(
      Array.from({ length: Math.ceil((2 * PER_ADDRESS) / (LIMIT - 1)) }, () => makeUser('LEAD')),
    )
    // Each account gets fewer guesses than its own limit, so only the address limit can stop them.
    const guesses = users.flatMap((user) =>
      Array.from({ length: LIMIT - 1 }, (_, i) => () => authenticate(user.email, `guess ${i}`, address)),
    )
    const results = await Promise.all(guesses.map((guess) => guess()))
    expect(await failuresFrom(address)).toBe(PER_ADDRESS)
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(PER_ADDRESS)
    const stored = await db.user.aggregate({
      where: { id: { in: users.map((u) => u.id) } },
      _sum: { failedSignIns: true },
    })
    expect(stored._sum.failedSignIns).toBe(PER_ADDRESS)
  })

  it('does not count successful sign-ins against the address', async () => {
    const address = freshAddress()
    const lead = await makeUser('LEAD')
    for (let i = 0; i < PER_ADDRESS + 5; i++)
      expect(await authenticate(lead.email, TEST_PASSWORD, address)).toMatchObject({ ok: true })
  })

  it('groups an IPv6 client by its /64 network, where one client may hold many addresses', async () => {
    const network = `2001:db8:${randomInt(65536).toString(16)}:${randomInt(65536).toString(16)}`
    for (let i = 0; i < PER_ADDRESS; i++)
      await authenticate(uniqueEmail('spray'), 'Winter2026!', `${network}::${(i + 1).toString(16)}`)
    const lead = await makeUser('LEAD')
    expect(await authenticate(lead.email, TEST_PASSWORD, `${network}:0:0:0:beef`)).toMatchObject({
      ok: false,
      reason: 'locked',
    })
  })
})
