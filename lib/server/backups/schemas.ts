import { z } from 'zod'
import { ZId } from '@/lib/server/fields'
import { ZReauthCode } from '@/lib/server/users/schemas'

export const ZRequestRestore = z.object({
  backupId: ZId,
  connectionId: ZId,
  // The database's name, typed, when restoring over the database the backup came from.
  confirm: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((v) => v ?? ''),
  // A fresh code from the authenticator, asked for restores into a protected environment.
  code: ZReauthCode,
})
export type TRequestRestore = z.infer<typeof ZRequestRestore>
