import { z } from 'zod'
import { checkbox, optionalText, requiredText, ZId } from '@/lib/server/fields'
import { ZReauthCode } from '@/lib/server/users/schemas'

export const ZStartRun = z.object({
  planId: ZId,
  phaseId: ZId,
  environmentId: ZId,
  dryRun: checkbox,
  code: ZReauthCode,
  /** DBAs, when promotion refuses the run: why it may skip the previous environment (this run only). */
  promotionOverrideReason: optionalText(2_000),
})
export const ZRunId = z.object({ runId: ZId })
/** A DBA's decision on a failed run, with what was done by hand. */
export const ZRunDecision = z.object({ runId: ZId, note: requiredText('what was done by hand', 2_000) })
