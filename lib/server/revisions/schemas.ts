import { z } from 'zod'
import { requiredText, ZId } from '@/lib/server/fields'

export const ZRestoreRevision = z.object({ stepId: ZId, revisionId: ZId })
export type TRestoreRevision = z.infer<typeof ZRestoreRevision>

export const ZAcceptChecksum = z.object({
  stepId: ZId,
  environmentId: ZId,
  reason: requiredText('the reason', 2_000),
})
export type TAcceptChecksum = z.infer<typeof ZAcceptChecksum>
