import { z } from 'zod'
import { ZId } from '@/lib/server/fields'

/** The words a DBA types to end a sync without a cutover. */
export const END_SYNC_PHRASE = 'end sync'

export const ZEndSync = z.object({
  syncId: ZId,
  confirm: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => v === END_SYNC_PHRASE, `Type “${END_SYNC_PHRASE}” to confirm.`),
})
export type TEndSync = z.infer<typeof ZEndSync>
