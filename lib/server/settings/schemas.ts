import { z } from 'zod'

export const ZRequireSso = z.object({
  requireSso: z.enum(['true', 'false'], 'Choose on or off.').transform((value) => value === 'true'),
})
export type TRequireSso = z.infer<typeof ZRequireSso>
