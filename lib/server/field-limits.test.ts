import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

// Every field an action accepts has a size limit: strings a maximum length (or a fixed shape: an id, a date, an
// enum, a pattern), lists a maximum count. Read from the schemas themselves (lib/server/*/schemas.ts), in the
// shape they accept and the shape they produce, so a new field without a limit fails here. A field behind a
// transform shows no shape on one side; the other side must show its limit. Whatever arrives is also capped
// as a whole by serverActions.bodySizeLimit (next.config.ts).

type Node = {
  type?: string | string[]
  maxLength?: number
  maxItems?: number
  enum?: unknown[]
  const?: unknown
  format?: string
  pattern?: string
  properties?: Record<string, Node>
  items?: Node
  anyOf?: Node[]
  oneOf?: Node[]
  allOf?: Node[]
}

/** Paths of strings without a maximum length and lists without a maximum count. */
function unbounded(node: Node, path: string): string[] {
  const branches = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]
  if (branches.length) return branches.flatMap((b) => unbounded(b, path))
  if (node.enum || node.const !== undefined) return []
  if (node.type === 'string')
    return node.maxLength !== undefined || node.pattern || ['uuid', 'date', 'date-time'].includes(node.format ?? '')
      ? []
      : [path]
  if (node.type === 'array')
    return [...(node.maxItems === undefined ? [path] : []), ...(node.items ? unbounded(node.items, `${path}[]`) : [])]
  if (node.type === 'object')
    return Object.entries(node.properties ?? {}).flatMap(([key, child]) => unbounded(child, `${path}.${key}`))
  return []
}

const folders = readdirSync(__dirname, { withFileTypes: true }).filter(
  (d) => d.isDirectory() && readdirSync(join(__dirname, d.name)).includes('schemas.ts'),
)

describe('field limits', () => {
  it('finds the schemas', () => expect(folders.length).toBeGreaterThan(8))

  it.each(folders.map((d) => d.name))('every field of every schema in %s has a size limit', async (folder) => {
    const schemas = (await import(`./${folder}/schemas.ts`)) as Record<string, unknown>
    const missing: string[] = []
    for (const [name, schema] of Object.entries(schemas)) {
      if (!(schema instanceof z.ZodType)) continue
      for (const io of ['input', 'output'] as const)
        missing.push(...unbounded(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Node, `${folder}.${name}`))
    }
    expect([...new Set(missing)]).toEqual([])
  })
})
