import { z } from 'zod'
import { ZId } from '@/lib/server/fields'

export const ZRequestDriftCheck = z.object({ connectionId: ZId })
export type TRequestDriftCheck = z.infer<typeof ZRequestDriftCheck>

export const ZAcknowledgeDrift = z.object({
  checkId: ZId,
  reason: z
    .string()
    .trim()
    .min(10, 'Say why the drift may stay (at least 10 characters): it is kept with the acknowledgement.')
    .max(2_000, 'The reason is longer than 2,000 characters.'),
})
export type TAcknowledgeDrift = z.infer<typeof ZAcknowledgeDrift>
