import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openApiDocument } from './openapi'
import { ROUTES } from './routes'

// Every route file under app/api/v1 is in the OpenAPI document, with the methods it exports, and uses the route
// definition of its own path – so a route cannot be served without being documented, nor documented wrongly.

const root = fileURLToPath(new URL('../../../app/api/v1', import.meta.url))

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? routeFiles(join(dir, entry.name)) : entry.name === 'route.ts' ? [join(dir, entry.name)] : [],
  )
}

/** app/api/v1/plans/[planId]/route.ts → /plans/{planId} */
const openApiPath = (file: string) =>
  `/${relative(root, file).split(sep).slice(0, -1).join('/')}`.replace(/\[(\w+)\]/g, '{$1}')

describe('the OpenAPI document', () => {
  const document = openApiDocument()
  const files = routeFiles(root)

  it('finds the route files', () => {
    expect(files.length).toBe(Object.keys(ROUTES).length)
  })

  it.each(files.map((file) => [openApiPath(file), file]))('documents %s', (path, file) => {
    const source = readFileSync(file, 'utf8')
    const exported = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = apiRoute\(ROUTES\.(\w+)/g)]
    expect(exported.length).toBeGreaterThan(0)
    expect(source).not.toMatch(/export (async )?function (GET|POST|PUT|PATCH|DELETE)/)
    for (const [, method, name] of exported) {
      const route = ROUTES[name as keyof typeof ROUTES]
      expect(route, name).toMatchObject({ path, method })
      expect(document.paths?.[path]?.[String(method).toLowerCase() as 'get']).toBeDefined()
    }
  })

  it('names bearer security and problem answers', () => {
    expect(document.components?.securitySchemes).toHaveProperty('bearer')
    const run = document.paths?.['/runs']?.post
    expect(Object.keys(run?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '401', '403', '409', '422', '429']),
    )
    expect(JSON.stringify(run?.parameters)).toContain('Idempotency-Key')
    expect(document.paths?.['/openapi.json']?.get?.security).toEqual([])
  })
})
