import { z } from 'zod'
import { END_SYNC_PHRASE } from '@/lib/domain/sync'
import { ZId } from '@/lib/server/fields'

export const ZEndSync = z.object({
  syncId: ZId,
  confirm: z
    .string()
    .max(100, `Type “${END_SYNC_PHRASE}” to confirm.`)
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => v === END_SYNC_PHRASE, `Type “${END_SYNC_PHRASE}” to confirm.`),
})
export type TEndSync = z.infer<typeof ZEndSync>
