import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi'
import { z } from 'zod'
import { SCOPE_DESCRIPTIONS, SCOPE_NAMES } from '@/lib/auth/scopes'
import { ROUTES, type RouteDef } from './routes'
import { ZProblem } from './schemas'

// The OpenAPI 3.1 document of /api/v1, built from the route list and the very schemas the handlers validate with.

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ZProblem } },
})

function operationOf(name: string, route: RouteDef): ZodOpenApiOperationObject {
  const scope =
    route.scope === 'public'
      ? 'No token needed.'
      : route.scope === 'any'
        ? 'Any token.'
        : `Scope: ${SCOPE_NAMES[route.scope]}.`
  return {
    operationId: name,
    summary: route.summary,
    description: scope,
    ...(route.scope === 'public' ? { security: [] } : {}),
    requestParams: {
      ...(route.params ? { path: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.idempotent
        ? {
            header: z.object({
              'Idempotency-Key': z.string().min(1).max(200).optional().meta({
                description:
                  'A retry with the same key and body answers the first answer; another body is refused (422).',
              }),
            }),
          }
        : {}),
    },
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses: {
      [String(route.status)]: {
        description: 'Done.',
        content: { 'application/json': { schema: route.response } },
      },
      ...(route.scope === 'public'
        ? {}
        : {
            '401': problem('No token, or one that is unknown, revoked or expired (or its owner is deactivated).'),
            '403': problem('The token lacks the scope, or its owner’s role does not allow this.'),
            '404': problem('An id is unknown.'),
            '429': problem('Too many requests this minute; see Retry-After.'),
          }),
      ...(route.body
        ? { '413': problem('The body is too large.'), '422': problem('The request is invalid; see errors.') }
        : {}),
      ...(route.query ? { '422': problem('The request is invalid; see errors.') } : {}),
      ...(route.method !== 'GET'
        ? { '409': problem('The change conflicts with the plan’s state (the detail says how).') }
        : {}),
      '500': problem('An unexpected failure; nothing was changed.'),
    },
  }
}

let cached: ReturnType<typeof createDocument> | null = null

export function openApiDocument(): ReturnType<typeof createDocument> {
  if (cached) return cached
  const paths: ZodOpenApiPathsObject = {}
  for (const [name, route] of Object.entries(ROUTES) as [string, RouteDef][]) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(name, route) }
  }
  cached = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lockstep API',
      version: '1',
      description: `Bearer tokens from Account → API tokens. Scopes: ${Object.entries(SCOPE_DESCRIPTIONS)
        .map(([scope, text]) => `${SCOPE_NAMES[scope as keyof typeof SCOPE_NAMES]} – ${text}`)
        .join(' ')} Errors are RFC 9457 problems; lists take limit and cursor.`,
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'lst_…' } } },
    paths,
  })
  return cached
}
