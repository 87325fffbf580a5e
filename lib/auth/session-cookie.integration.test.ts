import { NextRequest } from 'next/server'
import { afterEach, describe, expect, it } from 'vitest'
import { handlers } from '@/lib/auth/config'
import { PLAIN_HTTP_SESSION_COOKIE, SESSION_COOKIE } from '@/lib/auth/session-rules'
import { findSessionUser } from '@/lib/auth/session-token'
import { exportEnv } from '@/lib/env'
import { makeUser, TEST_PASSWORD } from '@/lib/testing/factories'

// The session cookie Auth.js sets on a real sign-in, with LOCKSTEP_ALLOW_INSECURE_HTTP off (the default) and on.

const BASE = 'http://192.0.2.2:3000'

afterEach(() => exportEnv({ LOCKSTEP_ALLOW_INSECURE_HTTP: 'false' }))

/** Signs in through the credentials endpoint; answers every Set-Cookie header of the answers. */
async function signIn(email: string): Promise<string[]> {
  const csrf = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`))
  const { csrfToken } = (await csrf.json()) as { csrfToken: string }
  const csrfCookies = csrf.headers.getSetCookie()
  const response = await handlers.POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: csrfCookies.map((c) => c.split(';')[0]).join('; '),
        'x-forwarded-for': '192.0.2.10',
      },
      body: new URLSearchParams({ email, password: TEST_PASSWORD, csrfToken, callbackUrl: `${BASE}/` }),
    }),
  )
  return [...csrfCookies, ...response.headers.getSetCookie()]
}

const named = (cookies: string[], name: string) =>
  cookies.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`))
const attributes = (cookie: string | undefined) =>
  (cookie ?? '')
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase())

describe('the session cookie', () => {
  it('is __Host- and Secure by default, like all of Auth.js’s cookies', async () => {
    const user = await makeUser('LEAD')
    const cookies = await signIn(user.email)
    const session = named(cookies, SESSION_COOKIE)
    expect(attributes(session)).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=lax']))
    expect(attributes(session).some((a) => a.startsWith('domain='))).toBe(false)
    expect(named(cookies, PLAIN_HTTP_SESSION_COOKIE)).toBeUndefined()
    expect(cookies.every((c) => attributes(c).includes('secure'))).toBe(true)
    expect((await findSessionUser(new Headers({ cookie: session?.split(';')[0] ?? '' })))?.user.id).toBe(user.id)
  })

  it('with plain HTTP allowed, has neither the __Host- prefix nor the Secure flag, and still signs in', async () => {
    exportEnv({ LOCKSTEP_ALLOW_INSECURE_HTTP: 'true' })
    const user = await makeUser('LEAD')
    const cookies = await signIn(user.email)
    expect(named(cookies, SESSION_COOKIE)).toBeUndefined()
    const session = named(cookies, PLAIN_HTTP_SESSION_COOKIE)
    expect(attributes(session)).toEqual(expect.arrayContaining(['path=/', 'httponly', 'samesite=lax']))
    expect(
      cookies.some((c) => attributes(c).includes('secure') || c.startsWith('__Host-') || c.startsWith('__Secure-')),
    ).toBe(false)
    expect((await findSessionUser(new Headers({ cookie: session?.split(';')[0] ?? '' })))?.user.id).toBe(user.id)
    // A cookie of the other kind is not read: one setting, one cookie.
    exportEnv({ LOCKSTEP_ALLOW_INSECURE_HTTP: 'false' })
    expect(
      await findSessionUser(
        new Headers({ cookie: `${SESSION_COOKIE}=${session?.split(';')[0]?.split('=')[1] ?? ''}` }),
      ),
    ).toBeNull()
  })
})
