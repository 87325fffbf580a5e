import { db } from '@/lib/db'
import type { ApiScope } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { createToken } from '@/lib/server/tokens/commands'

// API tokens for tests, made the way a person makes them (createToken, right after a code: makeUser's users
// have a fresh second factor), and requests to /api/v1 route handlers as a pipeline sends them.

/** An admin or DBA signs in (and so uses tokens) only with two-factor sign-in set up. */
export async function enrolled(user: UserActor): Promise<UserActor> {
  await db.user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date() } })
  return user
}

export async function tokenOf(
  user: UserActor,
  scopes: ApiScope[],
  expiresInDays: '7' | '30' | 'never' = '30',
): Promise<{ id: string; secret: string }> {
  const token = await createToken(user, { name: `test ${scopes.join(' ')}`, scopes, expiresInDays })
  return { id: token.id, secret: token.secret }
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>

/** Calls a route handler with a real Request: bearer token, JSON body, path parameters, extra headers. */
export async function call(
  handler: Handler,
  o: {
    path: string
    method?: string
    token?: string
    body?: unknown
    params?: Record<string, string>
    headers?: Record<string, string>
  },
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> & { [key: string]: unknown } }> {
  const headers = new Headers(o.headers)
  if (o.token) headers.set('authorization', `Bearer ${o.token}`)
  if (o.body !== undefined) headers.set('content-type', 'application/json')
  const request = new Request(`http://lockstep.test/api/v1${o.path}`, {
    method: o.method ?? 'GET',
    headers,
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  })
  const response = await handler(request, { params: Promise.resolve(o.params ?? {}) })
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  }
}
