import { headers } from 'next/headers'
import { notFound, redirect } from 'next/navigation'
import { cache } from 'react'
import type { UserActor } from '@/lib/server/actor'
import { DomainError, forbidden } from '@/lib/server/errors'
import { findActiveUser } from '@/lib/server/users/queries'
import { auth } from './config'
import { originFromHeaders } from './origin'
import { can, type Permission } from './permissions'

/**
 * The signed-in user as the database knows them right now (role, active flag), or null.
 * A session issued before the user's access last changed no longer counts.
 */
export const getActor = cache(async (): Promise<UserActor | null> => {
  const session = await auth()
  const id = session?.user?.id
  if (!id) return null
  const user = await findActiveUser(id)
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
