import { getToken } from 'next-auth/jwt'
import { headers } from 'next/headers'
import { notFound, redirect } from 'next/navigation'
import { cache } from 'react'
import type { UserActor } from '@/lib/server/actor'
import { DomainError, forbidden } from '@/lib/server/errors'
import { findActiveUser } from '@/lib/server/users/queries'
import { appEnv } from '@/lib/env'
import { originFromHeaders } from './origin'
import { can, type Permission } from './permissions'
import { requiresMfa } from './totp'
import { isWithinAbsoluteLimit, SESSION_COOKIE } from './session-rules'

/**
 * The session cookie, decrypted and checked for expiry and the absolute lifetime. Cheaper than
 * `auth()`, which runs Auth.js's whole request handler and re-encrypts the token on every call;
 * renewal happens in the session endpoint, which the console calls while it is open.
 */
async function readSession(): Promise<{ userId: string; sessionVersion: number; sessionId?: string } | null> {
  const env = appEnv()
  const token = await getToken({ req: { headers: await headers() }, secret: env.AUTH_SECRET, cookieName: SESSION_COOKIE, salt: SESSION_COOKIE }).catch(() => null)
  if (!token?.sub || !isWithinAbsoluteLimit(token.authTime, env.SESSION_MAX_AGE_HOURS)) return null
  return { userId: token.sub, sessionVersion: typeof token.sv === 'number' ? token.sv : -1, sessionId: typeof token.sid === 'string' ? token.sid : undefined }
}

/**
 * The signed-in user as the database knows them right now (role, active flag, second factor), and whether
 * their role requires two-factor sign-in they have not set up yet. A session issued before the user's
 * access last changed no longer counts.
 */
const readSessionUser = cache(async (): Promise<{ actor: UserActor; mustEnrolMfa: boolean } | null> => {
  const session = await readSession()
  if (!session) return null
  const user = await findActiveUser(session.userId)
  if (!user || user.sessionVersion !== session.sessionVersion) return null
  const actor: UserActor = { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role, origin: originFromHeaders(await headers()), sessionId: session.sessionId }
  return { actor, mustEnrolMfa: requiresMfa(user.role) && !user.totpEnabledAt }
})

/**
 * The signed-in user, or null. An admin or DBA without two-factor sign-in set up is not signed in for
 * anything but setting it up (getEnrollingActor): every page, action and route handler refuses them.
 */
export const getActor = cache(async (): Promise<UserActor | null> => {
  const session = await readSessionUser()
  return session && !session.mustEnrolMfa ? session.actor : null
})

/** For the two-factor set-up page and its actions only: the signed-in user, enrolled or not. */
export async function getEnrollingActor(): Promise<{ actor: UserActor; mustEnrolMfa: boolean } | null> {
  return readSessionUser()
}

/** For pages: sends visitors to sign in (or to set up two-factor sign-in), and answers "not found" to those without `permission`. */
export async function requirePageActor(permission?: Permission): Promise<UserActor> {
  const actor = await getActor()
  if (!actor) redirect((await readSessionUser()) ? '/account/security' : '/login')
  if (permission && !can(actor.role, permission)) notFound()
  return actor
}

/** For actions and route handlers: throws instead of redirecting. `enrolling` admits a session that still has to set up two-factor sign-in. */
export async function requireActor(permission?: Permission, options: { enrolling?: boolean } = {}): Promise<UserActor> {
  const session = await readSessionUser()
  if (!session) throw new DomainError('UNAUTHENTICATED', 'Your session has ended. Sign in again.')
  if (session.mustEnrolMfa && !options.enrolling) throw new DomainError('FORBIDDEN', 'Set up two-factor sign-in first: your role requires it (Account → Two-factor sign-in).')
  if (permission && !can(session.actor.role, permission)) throw forbidden()
  return session.actor
}
