import type { ApiScope, Role } from '@/lib/generated/prisma/enums'

/** The signed-in person a data-layer call acts for, as re-read from the database. */
export type UserActor = {
  kind: 'user'
  id: string
  email: string
  name: string
  role: Role
  /** Where the request came from (client address), for the audit log. */
  origin: string | null
  /** The signed-in session (random per sign-in), which a re-authentication is remembered for. */
  sessionId?: string
  /** The API token the request came with (lib/server/tokens): its scopes narrow the role; audited with it. */
  token?: { id: string; name: string; scopes: ApiScope[] }
}

/** Lockstep itself: the seed, the command line, the worker; or a visitor signing in with an email that names no account. */
export type SystemActor = { kind: 'system'; label: 'system' | 'cli' | 'worker' | 'anonymous'; origin: string | null }

export type Actor = UserActor | SystemActor

export const SYSTEM_ACTOR: SystemActor = { kind: 'system', label: 'system', origin: 'local' }

/** A user as a local test or seed acts for them: signed in from this machine. */
export const localUserActor = (
  user: Pick<UserActor, 'id' | 'email' | 'name' | 'role'>,
  sessionId?: string,
): UserActor => ({
  kind: 'user',
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  origin: '127.0.0.1',
  ...(sessionId ? { sessionId } : {}),
})
