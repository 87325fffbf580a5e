import { headers } from 'next/headers'
import { notFound, redirect } from 'next/navigation'
import { cache } from 'react'
import type { UserActor } from '@/lib/server/actor'
import { DomainError, forbidden } from '@/lib/server/errors'
import { endSession } from '@/lib/server/users/sessions'
import { originFromHeaders } from './origin'
import { can, type Permission } from './permissions'
import { requiresMfa } from './totp'
import { findSessionUser, readSessionClaims } from './session-token'

/**
 * The signed-in user as the database knows them right now (role, active flag, second factor), and whether
 * their role requires two-factor sign-in they have not set up yet. A session that was signed out or ended by a
 * change to the user's access (lib/server/users/sessions.ts) no longer counts, whatever its cookie says.
 */
const readSessionUser = cache(async (): Promise<{ actor: UserActor; mustEnrolMfa: boolean } | null> => {
  const requestHeaders = await headers()
  const session = await findSessionUser(requestHeaders)
  if (!session) return null
  const { user, sessionId } = session
  const actor: UserActor = {
    kind: 'user',
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    origin: originFromHeaders(requestHeaders),
    sessionId,
  }
  return { actor, mustEnrolMfa: requiresMfa(user.role) && !user.totpEnabledAt }
})

/** Signing out: ends the session the request's cookie names, server-side, before the cookie is cleared. */
export async function endCurrentSession(): Promise<void> {
  const requestHeaders = await headers()
  const claims = await readSessionClaims(requestHeaders)
  if (claims) await endSession(claims.userId, claims.sessionId, originFromHeaders(requestHeaders))
}

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
  if (session.mustEnrolMfa && !options.enrolling)
    throw new DomainError(
      'FORBIDDEN',
      'Set up two-factor sign-in first: your role requires it (Account → Two-factor sign-in).',
    )
  if (permission && !can(session.actor.role, permission)) throw forbidden()
  return session.actor
}
