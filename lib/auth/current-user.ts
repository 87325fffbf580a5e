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
import { isWithinAbsoluteLimit, SESSION_COOKIE } from './session-rules'

/**
 * The session cookie, decrypted and checked for expiry and the absolute lifetime. Cheaper than
 * `auth()`, which runs Auth.js's whole request handler and re-encrypts the token on every call;
 * renewal happens in the session endpoint, which the console calls while it is open.
 */
async function readSession(): Promise<{ userId: string; sessionVersion: number } | null> {
  const env = appEnv()
  const token = await getToken({ req: { headers: await headers() }, secret: env.AUTH_SECRET, cookieName: SESSION_COOKIE, salt: SESSION_COOKIE }).catch(() => null)
  if (!token?.sub || !isWithinAbsoluteLimit(token.authTime, env.SESSION_MAX_AGE_HOURS)) return null
  return { userId: token.sub, sessionVersion: typeof token.sv === 'number' ? token.sv : -1 }
}

/**
 * The signed-in user as the database knows them right now (role, active flag), or null.
 * A session issued before the user's access last changed no longer counts.
 */
export const getActor = cache(async (): Promise<UserActor | null> => {
  const session = await readSession()
  if (!session) return null
  const user = await findActiveUser(session.userId)
  if (!user || user.sessionVersion !== session.sessionVersion) return null
  return { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role, origin: originFromHeaders(await headers()) }
})

/** For pages: sends visitors to sign in, and answers "not found" to those without `permission`. */
export async function requirePageActor(permission?: Permission): Promise<UserActor> {
  const actor = await getActor()
  if (!actor) redirect('/login')
  if (permission && !can(actor.role, permission)) notFound()
  return actor
}

/** For actions and route handlers: throws instead of redirecting. */
export async function requireActor(permission?: Permission): Promise<UserActor> {
  const actor = await getActor()
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'Your session has ended. Sign in again.')
  if (permission && !can(actor.role, permission)) throw forbidden()
  return actor
}
