import { z } from 'zod'
import { checkMapping, EMPTY_MAPPING } from '@/lib/domain/mapping'
import { ZId } from '@/lib/server/fields'

// What the mapping editor sends to read a plan's source: a profile of its tables, or a preview of one table
// through the mapping as the editor holds it (JSON text from the form, or an object).

const ZMapping = z
  .unknown()
  .optional()
  .transform((value, ctx) => {
    let json: unknown = value
    if (typeof value === 'string') {
      if (!value.trim()) return EMPTY_MAPPING
      try {
        json = JSON.parse(value)
      } catch {
        ctx.addIssue({ code: 'custom', message: 'The mapping is not valid JSON.' })
        return z.NEVER
      }
    }
    if (json === undefined || json === null) return EMPTY_MAPPING
    const { mapping, problems } = checkMapping(json)
    for (const p of problems) ctx.addIssue({ code: 'custom', message: `Mapping – ${p.path}: ${p.message}.` })
    return problems.length ? z.NEVER : mapping
  })

export const ZRequestInspection = z
  .object({
    planId: ZId,
    environmentId: ZId,
    kind: z.enum(['profile', 'preview'], 'Choose what to read of the source.'),
    table: z.string().trim().max(200, 'A table name has at most 200 characters.').optional(),
    mapping: ZMapping,
  })
  .refine((i) => i.kind !== 'preview' || !!i.table, { path: ['table'], message: 'Name the table to preview.' })
export type TRequestInspection = z.infer<typeof ZRequestInspection>
