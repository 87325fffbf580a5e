import 'server-only'
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { readBodyText } from '@/lib/api/read-body'
import { originFromHeaders } from '@/lib/auth/origin'
import { MAX_REQUEST_BYTES } from '@/lib/auth/request-size'
import { SCOPE_NAMES } from '@/lib/auth/scopes'
import { hiddenCharacterFields } from '@/lib/domain/hidden-characters'
import { redact } from '@/lib/domain/redact'
import { appEnv } from '@/lib/env'
import { authenticateToken, bearerSecret, recordTokenUse, type TokenRequest } from '@/lib/server/tokens/authenticate'
import { countTokenRequest } from '@/lib/server/tokens/rate-limit'
import { fieldErrorsOf, problemOf, problemOfError, ProblemError, type Problem } from './problem'
import type { RouteDef } from './routes'

type Infer<R, K extends string> = R extends { [key in K]: infer S extends z.ZodType } ? z.infer<S> : undefined

export type ApiContext<R extends RouteDef> = {
  request: Request
  /** Null only on public routes. */
  auth: R['scope'] extends 'public' ? null : TokenRequest
  params: Infer<R, 'params'>
  query: Infer<R, 'query'>
  body: Infer<R, 'body'>
  /** The body as sent (for idempotency: the same request hashes the same). */
  rawBody: string
}

/** What a handler answers besides its route's usual status and JSON body. */
export class ApiAnswer {
  constructor(
    readonly body: unknown,
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {}
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> }

const json = (body: unknown, status: number, headers: Record<string, string>, problem = false) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': problem ? 'application/problem+json' : 'application/json',
      'Cache-Control': 'no-store',
      ...headers,
    },
  })

/**
 * The one way to build an /api/v1 route handler: reads the bearer token (session cookies never count here),
 * authenticates it, counts it against the rate limit, enforces the route's scope, validates path, query and
 * body with the route's schemas, runs `handle`, maps refusals to problems (and anything unexpected to a 500
 * without details), records the request on the token and answers with an X-Request-Id.
 */
export function apiRoute<R extends RouteDef>(route: R, handle: (ctx: ApiContext<R>) => Promise<unknown>) {
  return async function handler(request: Request, context: RouteContext): Promise<Response> {
    const requestId = randomUUID()
    const origin = originFromHeaders(request.headers)
    let auth: TokenRequest | null = null
    let status = 500
    try {
      auth = route.scope === 'public' ? null : await authorizeRequest(request, origin)
      assertScope(route, auth)
      const params = await parsePart(route.params, await context.params, 'not-found')
      const query = await parsePart(route.query, Object.fromEntries(new URL(request.url).searchParams), 'invalid')
      const { body, rawBody } = await readBody(request, route.body)
      const result = await handle({ request, auth, params, query, body, rawBody } as ApiContext<R>)
      const answer = result instanceof ApiAnswer ? result : new ApiAnswer(result, route.status)
      status = answer.status
      return json(answer.body, answer.status, { ...answer.headers, 'X-Request-Id': requestId })
    } catch (error) {
      const known = problemOfError(error)
      if (!known)
        console.error(
          `[api] unexpected failure (request ${requestId})`,
          redact(error instanceof Error ? (error.stack ?? error.message) : String(error)),
        )
      const problem: Problem =
        known?.problem ??
        problemOf('internal', `Something went wrong on our side; nothing was changed. Quote request ${requestId}.`)
      status = problem.status
      return json(problem, problem.status, { ...known?.headers, 'X-Request-Id': requestId }, true)
    } finally {
      if (auth) {
        const path = new URL(request.url).pathname
        await recordTokenUse(auth.actor.token.id, { method: request.method, path, status, origin }).catch((error) =>
          console.error(`[api] could not record the use of a token (request ${requestId})`, redact(String(error))),
        )
      }
    }
  }
}

async function authorizeRequest(request: Request, origin: string | null): Promise<TokenRequest> {
  const secret = bearerSecret(request.headers)
  if (!secret)
    throw new ProblemError('unauthenticated', 'Send an API token: Authorization: Bearer lst_… (Account → API tokens).')
  const auth = await authenticateToken(secret, origin)
  if (!auth)
    throw new ProblemError(
      'unauthenticated',
      'This API token is unknown, revoked or expired, or its owner is deactivated.',
    )
  const rate = await countTokenRequest(auth.actor.token.id, appEnv().API_RATE_LIMIT_PER_MINUTE)
  if (!rate.ok) {
    // Counted like any other request on the token's page.
    await recordTokenUse(auth.actor.token.id, {
      method: request.method,
      path: new URL(request.url).pathname,
      status: 429,
      origin,
    })
    throw new ProblemError(
      'rate-limited',
      `This token made more than ${appEnv().API_RATE_LIMIT_PER_MINUTE} requests this minute; try again in ${rate.retryAfterSeconds} s.`,
      undefined,
      { 'Retry-After': String(rate.retryAfterSeconds) },
    )
  }
  return auth
}

function assertScope(route: RouteDef, auth: TokenRequest | null): void {
  if (!auth || route.scope === 'any' || route.scope === 'public') return
  if (!auth.actor.token.scopes.includes(route.scope))
    throw new ProblemError('forbidden', `This token lacks the scope “${SCOPE_NAMES[route.scope]}”.`)
}

async function parsePart(schema: z.ZodType | undefined, value: unknown, code: 'invalid' | 'not-found') {
  if (!schema) return undefined
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  if (code === 'not-found') throw new ProblemError('not-found', 'Nothing is found at this address (an id is unknown).')
  throw new ProblemError('invalid', 'Please correct the query parameters.', fieldErrorsOf(parsed.error.issues))
}

async function readBody(request: Request, schema: z.ZodType | undefined): Promise<{ body: unknown; rawBody: string }> {
  if (!schema) return { body: undefined, rawBody: '' }
  const rawBody = await readBodyText(request, MAX_REQUEST_BYTES)
  if (rawBody === null)
    throw new ProblemError('too-large', `A request body carries at most ${MAX_REQUEST_BYTES / 1024 / 1024} MB.`)
  let value: unknown
  try {
    value = JSON.parse(rawBody)
  } catch {
    throw new ProblemError('invalid', 'The body is not JSON.', { _body: ['Send a JSON object.'] })
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ProblemError('invalid', 'The body is not a JSON object.', { _body: ['Send a JSON object.'] })
  const hidden = hiddenCharacterFields(value as Record<string, unknown>)
  const first = Object.values(hidden)[0]?.[0]
  if (first) throw new ProblemError('invalid', first, hidden)
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new ProblemError('invalid', 'Please correct the fields named in errors.', fieldErrorsOf(parsed.error.issues))
  return { body: parsed.data, rawBody }
}
