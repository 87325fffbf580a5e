import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { Role } from '@/lib/generated/prisma/enums'
import { auditEventsFor, makeUser, uniqueEmail } from '@/lib/testing/factories'
import { setUserActive } from './commands'
import { findOpenSession } from './sessions'
import { signInWithSso, type SsoRules } from './sso'
import type { SsoIdentity } from './sso-identity'

const ISSUER = 'http://localhost:9999/test-issuer'
const RULES: SsoRules = {
  roleMap: [
    { group: 'dbas', role: 'DBA' },
    { group: 'leads', role: 'LEAD' },
  ],
  defaultRole: null,
}

const identity = (overrides: Partial<SsoIdentity> = {}): SsoIdentity => ({
  issuer: ISSUER,
  subject: randomUUID(),
  email: uniqueEmail('sso'),
  emailVerified: true,
  name: 'Ada Lovelace',
  groups: ['leads'],
  ...overrides,
})

async function signIn(who: SsoIdentity, rules: SsoRules = RULES) {
  const sessionId = randomUUID()
  return { sessionId, result: await signInWithSso(who, rules, { origin: '203.0.113.9', sessionId }) }
}

const actions = async (userId: string) => (await auditEventsFor(userId)).map((e) => e.action)
const refusalsOf = (subject: string) =>
  db.auditEvent.findMany({ where: { action: 'auth.ssoRefused', after: { path: ['subject'], equals: subject } } })

describe('signing in through single sign-on', () => {
  it('creates the person on their first sign-in, with the mapped role and no password, and opens their session', async () => {
    const who = identity({ groups: ['leads', 'dbas', 'others'] })
    const { sessionId, result } = await signIn(who)
    if (!result.ok) throw new Error(result.reason)
    expect(result.created).toBe(true)
    const user = await db.user.findUniqueOrThrow({ where: { id: result.user.id } })
    expect(user).toMatchObject({ email: who.email, name: 'Ada Lovelace', role: 'DBA', passwordHash: null })
    expect(user).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: who.subject, isActive: true })
    const claims = { userId: user.id, sessionId, sessionVersion: result.user.sessionVersion }
    expect(await findOpenSession(claims)).toMatchObject({ id: user.id, role: 'DBA' })
    expect(await actions(user.id)).toEqual(['user.createdBySso', 'auth.ssoSignIn'])
    const [created] = await auditEventsFor(user.id)
    expect(created).toMatchObject({ actorId: user.id, origin: '203.0.113.9' })
  })

  it('finds the same person by issuer and subject next time, whatever their email says now', async () => {
    const who = identity()
    const first = await signIn(who)
    const again = await signIn({ ...who, email: uniqueEmail('changed') })
    if (!first.result.ok || !again.result.ok) throw new Error('refused')
    expect(again.result).toMatchObject({ created: false, user: { id: first.result.user.id, email: who.email } })
  })

  it('refuses a person none of whose groups is mapped when the default role is none, creating nobody', async () => {
    const who = identity({ groups: ['others'] })
    const { result } = await signIn(who)
    expect(result).toEqual({ ok: false, reason: 'no-role' })
    expect(await db.user.findUnique({ where: { email: who.email ?? '' } })).toBeNull()
    expect(await refusalsOf(who.subject)).toHaveLength(1)
  })

  it('gives the default role to a person with no mapped group when there is one', async () => {
    const { result } = await signIn(identity({ groups: [] }), { ...RULES, defaultRole: 'STAKEHOLDER' })
    if (!result.ok) throw new Error(result.reason)
    expect((await db.user.findUniqueOrThrow({ where: { id: result.user.id } })).role).toBe('STAKEHOLDER')
  })

  it('refuses a person an admin deactivated, opening no session', async () => {
    const admin = await makeUser('ADMIN')
    const who = identity()
    const first = await signIn(who)
    if (!first.result.ok) throw new Error(first.result.reason)
    await setUserActive(admin, { userId: first.result.user.id, isActive: false })
    const { sessionId, result } = await signIn(who)
    expect(result).toEqual({ ok: false, reason: 'disabled' })
    expect(await db.userSession.findUnique({ where: { id: sessionId } })).toBeNull()
    expect(await actions(first.result.user.id)).toContain('auth.ssoRefused')
  })

  it('links an existing local account by email only when the provider verified the email', async () => {
    const local = await makeUser('LEAD')
    const unverified = identity({ email: local.email, emailVerified: false })
    expect((await signIn(unverified)).result).toEqual({ ok: false, reason: 'email-in-use' })
    expect((await db.user.findUniqueOrThrow({ where: { id: local.id } })).oidcSubject).toBeNull()

    const verified = identity({ email: local.email, groups: ['leads'] })
    const { result } = await signIn(verified)
    expect(result).toMatchObject({ ok: true, created: false, user: { id: local.id } })
    const linked = await db.user.findUniqueOrThrow({ where: { id: local.id } })
    expect(linked).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: verified.subject, role: 'LEAD' })
    expect(linked.passwordHash).not.toBeNull()
    expect(await actions(local.id)).toEqual(['auth.ssoRefused', 'user.linkedBySso', 'auth.ssoSignIn'])
  })

  it('never takes over an account already joined to another identity, nor a deactivated one’s email silently', async () => {
    const who = identity()
    await signIn(who)
    const other = identity({ email: who.email })
    expect((await signIn(other)).result).toEqual({ ok: false, reason: 'email-in-use' })
    const gone = await makeUser('LEAD', { isActive: false })
    expect((await signIn(identity({ email: gone.email }))).result).toEqual({ ok: false, reason: 'disabled' })
  })

  it('refuses a first sign-in without an email', async () => {
    const who = identity({ email: null })
    expect((await signIn(who)).result).toEqual({ ok: false, reason: 'no-email' })
    expect(await refusalsOf(who.subject)).toHaveLength(1)
  })

  it('follows the groups at every sign-in: a new role ends the older sessions, like an admin’s role change', async () => {
    const who = identity({ groups: ['leads'] })
    const first = await signIn(who)
    if (!first.result.ok) throw new Error(first.result.reason)
    const { id, sessionVersion } = first.result.user
    const { sessionId, result } = await signIn({ ...who, groups: ['dbas'] })
    if (!result.ok) throw new Error(result.reason)
    expect(result.user.sessionVersion).toBe(sessionVersion + 1)
    expect(await findOpenSession({ userId: id, sessionId: first.sessionId, sessionVersion })).toBeNull()
    expect(await findOpenSession({ userId: id, sessionId, sessionVersion: sessionVersion + 1 })).toMatchObject({
      role: 'DBA' satisfies Role,
    })
    const ended = await db.userSession.findUniqueOrThrow({ where: { id: first.sessionId } })
    expect(ended.revokedReason).toBe('role-changed')
    expect(await actions(id)).toContain('user.roleChangedBySso')
  })

  it('keeps the role of a person with no mapped group when there is a default role; refuses them when the default is none', async () => {
    const who = identity({ groups: ['leads'] })
    const first = await signIn(who)
    if (!first.result.ok) throw new Error(first.result.reason)
    const kept = await signIn({ ...who, groups: [] }, { ...RULES, defaultRole: 'STAKEHOLDER' })
    expect(kept.result).toMatchObject({ ok: true })
    expect((await db.user.findUniqueOrThrow({ where: { id: first.result.user.id } })).role).toBe('LEAD')
    expect((await signIn({ ...who, groups: [] })).result).toEqual({ ok: false, reason: 'no-role' })
  })
})
