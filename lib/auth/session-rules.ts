import type { JWT } from 'next-auth/jwt'

/**
 * The session cookie: `__Host-` binds it to this exact origin (no Domain, path /, Secure), HttpOnly keeps it
 * from scripts, SameSite=Lax from cross-site posts. Browsers accept Secure cookies over https and on
 * http://localhost only; anything else serves Lockstep behind TLS.
 */
export const SESSION_COOKIE = '__Host-lockstep.session'

/** The session cookie where plain HTTP is allowed (LOCKSTEP_ALLOW_INSECURE_HTTP): neither `__Host-` nor Secure, which both need HTTPS. */
export const PLAIN_HTTP_SESSION_COOKIE = 'lockstep.session'

export type SessionCookie = { name: string; secure: boolean }

/** The session cookie's name and Secure flag, with plain HTTP allowed or not. */
export function sessionCookie(allowInsecureHttp: boolean): SessionCookie {
  return allowInsecureHttp ? { name: PLAIN_HTTP_SESSION_COOKIE, secure: false } : { name: SESSION_COOKIE, secure: true }
}

/** True while a session signed in at `authTime` (seconds since the epoch) is younger than `maxAgeHours`. */
export function isWithinAbsoluteLimit(authTime: unknown, maxAgeHours: number, nowMs = Date.now()): boolean {
  return typeof authTime === 'number' && nowMs / 1000 - authTime <= maxAgeHours * 3600
}

export type SessionClaims = { userId: string; sessionId: string; sessionVersion: number }

/** What a decrypted session cookie claims: its user, its server-side session and the user's session version; null if any is missing. */
export function sessionClaims(token: JWT | null | undefined): SessionClaims | null {
  if (!token?.sub || typeof token.sid !== 'string' || typeof token.sv !== 'number') return null
  return { userId: token.sub, sessionId: token.sid, sessionVersion: token.sv }
}
