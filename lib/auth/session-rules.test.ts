import { describe, expect, it } from 'vitest'
import {
  isWithinAbsoluteLimit,
  PLAIN_HTTP_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionClaims,
  sessionCookie,
} from './session-rules'

describe('isWithinAbsoluteLimit', () => {
  const signedIn = 1_800_000_000
  const at = (hoursLater: number) => (signedIn + hoursLater * 3600) * 1000

  it('keeps a session until the absolute limit and ends it after', () => {
    expect(isWithinAbsoluteLimit(signedIn, 24, at(0))).toBe(true)
    expect(isWithinAbsoluteLimit(signedIn, 24, at(24))).toBe(true)
    expect(isWithinAbsoluteLimit(signedIn, 24, at(24.01))).toBe(false)
  })

  it('ends sessions that carry no sign-in time (issued before the limit existed, or forged)', () => {
    expect(isWithinAbsoluteLimit(undefined, 24, at(1))).toBe(false)
    expect(isWithinAbsoluteLimit('1800000000', 24, at(1))).toBe(false)
  })
})

describe('sessionClaims', () => {
  const sub = '01900000-0000-7000-8000-000000000001'
  const sid = '4f1c2a3b-0000-4000-8000-000000000002'

  it('reads the user, the server-side session and the session version', () => {
    expect(sessionClaims({ sub, sid, sv: 3 })).toEqual({ userId: sub, sessionId: sid, sessionVersion: 3 })
  })

  it('claims nothing for a cookie without its session (issued before sessions were kept, or forged)', () => {
    expect(sessionClaims({ sub, sv: 0 })).toBeNull()
    expect(sessionClaims({ sub, sid: 7, sv: 0 })).toBeNull()
    expect(sessionClaims({ sid, sv: 0 })).toBeNull()
    expect(sessionClaims({ sub, sid })).toBeNull()
    expect(sessionClaims(null)).toBeNull()
  })
})

describe('sessionCookie', () => {
  it('is __Host- and Secure unless plain HTTP is allowed, then neither', () => {
    expect(sessionCookie(false)).toEqual({ name: SESSION_COOKIE, secure: true })
    expect(SESSION_COOKIE.startsWith('__Host-')).toBe(true)
    expect(sessionCookie(true)).toEqual({ name: PLAIN_HTTP_SESSION_COOKIE, secure: false })
    expect(PLAIN_HTTP_SESSION_COOKIE).not.toMatch(/^__(Host|Secure)-/)
  })
})
