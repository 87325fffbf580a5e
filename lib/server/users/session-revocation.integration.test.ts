import { randomUUID } from 'node:crypto'
import { encode } from 'next-auth/jwt'
import { NextRequest } from 'next/server'
import { describe, expect, it } from 'vitest'
import { handlers } from '@/lib/auth/config'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'
import { findSessionUser } from '@/lib/auth/session-token'
import { totpCode } from '@/lib/auth/totp'
import { db } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { UserActor } from '@/lib/server/actor'
import { makeUser, TEST_PASSWORD } from '@/lib/testing/factories'
import { changeUserRole, resetUserPassword, setUserActive } from './commands'
import { confirmMfaEnrolment, resetMfa, startMfaEnrolment } from './mfa'

// Auth.js's own endpoints, called as a browser would call them: a session that was signed out, or ended by
// an admin, is refused by the session endpoint (which would otherwise renew the cookie).

const BASE = 'http://localhost:3000'

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '')

async function csrf(): Promise<{ csrfToken: string; cookie: string }> {
  const response = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`))
  const { csrfToken } = (await response.json()) as { csrfToken: string }
  return { csrfToken, cookie: cookiesOf(response).join('; ') }
}

/** Signs in through the credentials endpoint; answers the session cookie (`name=value`). */
async function signIn(email: string, fields: Record<string, string> = {}): Promise<string> {
  const { csrfToken, cookie } = await csrf()
  const response = await handlers.POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': '192.0.2.10' },
      body: new URLSearchParams({ email, password: TEST_PASSWORD, csrfToken, callbackUrl: `${BASE}/`, ...fields }),
    }),
  )
  const session = cookiesOf(response).find(
    (c) => c.startsWith(`${SESSION_COOKIE}=`) && c.length > SESSION_COOKIE.length + 1,
  )
  if (!session) throw new Error(`no session cookie (status ${response.status}, ${response.headers.get('location')})`)
  return session
}

async function signOut(session: string): Promise<void> {
  const { csrfToken, cookie } = await csrf()
  await handlers.POST(
    new NextRequest(`${BASE}/api/auth/signout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookie}; ${session}` },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${BASE}/login` }),
    }),
  )
}

/** What the session endpoint answers for `session`, and whether it renewed the cookie or cleared it. */
async function readSessionEndpoint(
  session: string,
): Promise<{ email: string | null; renewed: boolean; cleared: boolean }> {
  const response = await handlers.GET(new NextRequest(`${BASE}/api/auth/session`, { headers: { cookie: session } }))
  const body = (await response.json()) as { user?: { email?: string } } | null
  const set = cookiesOf(response).filter((c) => c.startsWith(`${SESSION_COOKIE}=`))
  return {
    email: body?.user?.email ?? null,
    renewed: set.some((c) => c.length > SESSION_COOKIE.length + 1),
    cleared: set.includes(`${SESSION_COOKIE}=`),
  }
}

async function signedIn(role: 'LEAD' | 'STAKEHOLDER' = 'LEAD'): Promise<{ user: UserActor; session: string }> {
  const user = await makeUser(role)
  const session = await signIn(user.email)
  expect(await readSessionEndpoint(session)).toEqual({ email: user.email, renewed: true, cleared: false })
  return { user, session }
}

describe('a session that has ended is refused by the session endpoint', () => {
  it('after signing out: the old cookie is neither answered nor renewed, nor taken by pages and actions', async () => {
    const { user, session } = await signedIn()
    expect((await findSessionUser(new Headers({ cookie: session })))?.user.id).toBe(user.id)
    await signOut(session)
    expect(await readSessionEndpoint(session)).toEqual({ email: null, renewed: false, cleared: true })
    expect(await findSessionUser(new Headers({ cookie: session }))).toBeNull()
    // Another session of the same person goes on.
    const other = await signIn(user.email)
    expect((await readSessionEndpoint(other)).email).toBe(user.email)
  })

  it('after deactivation', async () => {
    const admin = await makeUser('ADMIN')
    const { user, session } = await signedIn()
    await setUserActive(admin, { userId: user.id, isActive: false })
    expect(await readSessionEndpoint(session)).toEqual({ email: null, renewed: false, cleared: true })
    const ended = await db.auditEvent.findFirst({ where: { entityId: user.id, action: 'auth.sessionsEnded' } })
    expect(ended).toMatchObject({ actorId: admin.id, after: { sessions: 1, reason: 'deactivated' } })
    await setUserActive(admin, { userId: user.id, isActive: true })
    expect((await readSessionEndpoint(session)).email).toBeNull()
  })

  it('after an admin sets a new password', async () => {
    const admin = await makeUser('ADMIN')
    const { user, session } = await signedIn()
    await resetUserPassword(admin, { userId: user.id, password: 'another long password' })
    expect((await readSessionEndpoint(session)).email).toBeNull()
  })

  it('after a role change', async () => {
    const admin = await makeUser('ADMIN')
    const { user, session } = await signedIn('STAKEHOLDER')
    await changeUserRole(admin, { userId: user.id, role: 'LEAD' })
    expect((await readSessionEndpoint(session)).email).toBeNull()
  })

  it('after an admin resets two-factor sign-in', async () => {
    const admin = await makeUser('ADMIN')
    const dba = await makeUser('DBA')
    const { secret } = await startMfaEnrolment(dba)
    const at = Date.now() - 60_000
    await confirmMfaEnrolment(dba, totpCode(secret, at), at)
    const session = await signIn(dba.email, { code: totpCode(secret) })
    expect((await readSessionEndpoint(session)).email).toBe(dba.email)
    await resetMfa(admin, dba.id)
    expect((await readSessionEndpoint(session)).email).toBeNull()
  })

  it('is recorded: the sign-in opens a session, the endpoint notes it was seen, the sign-out is audited', async () => {
    const { user, session } = await signedIn()
    const [record] = await db.userSession.findMany({ where: { userId: user.id } })
    expect(record).toMatchObject({ revokedAt: null, origin: '192.0.2.10' })
    const earlier = new Date(Date.now() - 5 * 60_000)
    await db.userSession.update({ where: { id: record?.id }, data: { lastSeenAt: earlier } })
    await readSessionEndpoint(session)
    expect(
      (await db.userSession.findUniqueOrThrow({ where: { id: record?.id } })).lastSeenAt.getTime(),
    ).toBeGreaterThan(earlier.getTime())
    await signOut(session)
    const ended = await db.userSession.findUniqueOrThrow({ where: { id: record?.id } })
    expect(ended.revokedAt).not.toBeNull()
    expect(ended.revokedReason).toBe('sign-out')
    const actions = (await db.auditEvent.findMany({ where: { entityId: user.id }, orderBy: { id: 'asc' } })).map(
      (e) => e.action,
    )
    expect(actions).toEqual(['auth.signIn', 'auth.signOut'])
  })

  it('refuses a cookie that names no server-side session, even one Auth.js itself encrypted', async () => {
    const user = await makeUser('LEAD')
    const authTime = Math.floor(Date.now() / 1000)
    const forged = await encode({
      token: { sub: user.id, sv: 0, sid: randomUUID(), authTime, email: user.email },
      secret: appEnv().AUTH_SECRET,
      salt: SESSION_COOKIE,
    })
    const withoutSession = await encode({
      token: { sub: user.id, sv: 0, authTime, email: user.email },
      secret: appEnv().AUTH_SECRET,
      salt: SESSION_COOKIE,
    })
    for (const token of [forged, withoutSession]) {
      expect((await readSessionEndpoint(`${SESSION_COOKIE}=${token}`)).email).toBeNull()
      expect(await findSessionUser(new Headers({ cookie: `${SESSION_COOKIE}=${token}` }))).toBeNull()
    }
  })
})
