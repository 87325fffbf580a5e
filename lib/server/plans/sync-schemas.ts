import { z } from 'zod'
import { MAX_QUIET_SECONDS } from '@/lib/domain/sync'
import { blankToNull, checkbox, requiredText, ZId } from '@/lib/server/fields'
import { copyStepFields, EMPTYING_NOT_CONFIRMED, emptyingConfirmed, optionalWhole } from './schemas'

// The forms of sync and cutover steps.

const optionalStep = z.preprocess(blankToNull, ZId.nullable())

const syncStepFields = {
  ...copyStepFields,
  // A copy step of the plan whose tables, mode and mapping the sync follows; blank: the fields here.
  copyStepId: optionalStep,
  // A SQLite source gets triggers and a change table until the sync ends: a person says yes to that.
  captureConfirmed: checkbox,
}
export const ZAddSyncStep = z
  .object({ phaseId: ZId, ...syncStepFields })
  .refine(emptyingConfirmed, EMPTYING_NOT_CONFIRMED)
export type TAddSyncStep = z.infer<typeof ZAddSyncStep>
export const ZEditSyncStep = z
  .object({ stepId: ZId, ...syncStepFields })
  .refine(emptyingConfirmed, EMPTYING_NOT_CONFIRMED)
export type TEditSyncStep = z.infer<typeof ZEditSyncStep>

const cutoverStepFields = {
  name: requiredText('a name', 200),
  // Which sync step it ends; blank: the plan's only one.
  syncStepId: optionalStep,
  quietSeconds: optionalWhole('the quiet seconds', 1, MAX_QUIET_SECONDS)
    .optional()
    .transform((v) => v ?? null),
}
export const ZAddCutoverStep = z.object({ phaseId: ZId, ...cutoverStepFields })
export type TAddCutoverStep = z.infer<typeof ZAddCutoverStep>
export const ZEditCutoverStep = z.object({ stepId: ZId, ...cutoverStepFields })
export type TEditCutoverStep = z.infer<typeof ZEditCutoverStep>
