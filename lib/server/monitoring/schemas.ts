import { z } from 'zod'
import { SIGNALS } from '@/lib/domain/signals'
import { ZId } from '@/lib/server/fields'

/** `confirm`: the typed confirmation, e.g. "terminate 4242". */
export const ZSignalBackend = z.object({
  connectionId: ZId,
  pid: z.coerce
    .number('Unknown session.')
    .int('Unknown session.')
    .positive('Unknown session.')
    .max(2 ** 31 - 1, 'Unknown session.'),
  signal: z.enum(SIGNALS, 'Choose cancel or terminate.'),
  confirm: z.string().trim().max(100),
})
export type TSignalBackend = z.infer<typeof ZSignalBackend>
