import { z } from 'zod'
import { ZId } from '@/lib/server/fields'

export const ZRequestRestore = z.object({
  backupId: ZId,
  connectionId: ZId,
  // The database's name, typed, when restoring over the database the backup came from.
  confirm: z.string().trim().max(500).optional().transform((v) => v ?? ''),
})
export type TRequestRestore = z.infer<typeof ZRequestRestore>
