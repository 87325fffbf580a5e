import { z } from 'zod'
import { ZId } from '@/lib/server/fields'

export const ZRequestRehearsal = z.object({ planId: ZId, phaseId: ZId, environmentId: ZId })
export type TRequestRehearsal = z.infer<typeof ZRequestRehearsal>
