import { getToken } from 'next-auth/jwt'
import { appEnv } from '@/lib/env'
import { findOpenSession } from '@/lib/server/users/sessions'
import { isWithinAbsoluteLimit, sessionClaims, sessionCookie, type SessionClaims } from './session-rules'

/**
 * The claims of a request's session cookie, decrypted and checked for expiry and the absolute lifetime.
 * Cheaper than `auth()`, which runs Auth.js's whole request handler and re-encrypts the token on every call;
 * renewal happens in the session endpoint, which the console calls while it is open.
 */
export async function readSessionClaims(headers: Headers): Promise<SessionClaims | null> {
  const env = appEnv()
  const { name } = sessionCookie(env.LOCKSTEP_ALLOW_INSECURE_HTTP)
  const token = await getToken({ req: { headers }, secret: env.AUTH_SECRET, cookieName: name, salt: name }).catch(
    () => null,
  )
  if (!token || !isWithinAbsoluteLimit(token.authTime, env.SESSION_MAX_AGE_HOURS)) return null
  return sessionClaims(token)
}

/** The user a request's session cookie names, as the database knows them now, while that session is open; else null. */
export async function findSessionUser(headers: Headers) {
  const claims = await readSessionClaims(headers)
  const user = claims ? await findOpenSession(claims) : null
  return claims && user ? { user, sessionId: claims.sessionId } : null
}
