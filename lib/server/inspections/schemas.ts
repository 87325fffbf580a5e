import { z } from 'zod'
import { ZId } from '@/lib/server/fields'
import { ZMappingField } from '@/lib/server/plans/schemas'

// What the mapping editor sends to read a plan's source: a profile of its tables, or a preview of one table
// through the mapping as the editor holds it (JSON text from the form, or an object).

export const ZRequestInspection = z
  .object({
    planId: ZId,
    environmentId: ZId,
    kind: z.enum(['profile', 'preview'], 'Choose what to read of the source.'),
    // As the source names it: a SQLite table may begin or end with a space.
    table: z.string().max(200, 'A table name has at most 200 characters.').optional(),
    mapping: ZMappingField,
  })
  .refine((i) => i.kind !== 'preview' || !!i.table, { path: ['table'], message: 'Name the table to preview.' })
export type TRequestInspection = z.infer<typeof ZRequestInspection>
