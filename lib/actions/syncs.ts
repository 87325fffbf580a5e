'use server'

import { revalidatePath } from 'next/cache'
import type { z } from 'zod'
import type { UserActor } from '@/lib/server/actor'
import { addCutoverStep, addSyncStep, editCutoverStep, editSyncStep } from '@/lib/server/plans/sync-steps'
import { ZAddCutoverStep, ZAddSyncStep, ZEditCutoverStep, ZEditSyncStep } from '@/lib/server/plans/sync-schemas'
import { endSyncByPerson } from '@/lib/server/syncs/commands'
import { ZEndSync } from '@/lib/server/syncs/schemas'
import { defineAction } from './define-action'

function planAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>, actor: UserActor) => Promise<T>) {
  return defineAction('plan:edit', schema, async (input, actor) => {
    const result = await handler(input, actor)
    revalidatePath('/plans', 'layout')
    return result
  })
}

export const addSyncStepAction = planAction(ZAddSyncStep, async (input, actor) => addSyncStep(actor, input))
export const editSyncStepAction = planAction(ZEditSyncStep, async (input, actor) => editSyncStep(actor, input))
export const addCutoverStepAction = planAction(ZAddCutoverStep, async (input, actor) => addCutoverStep(actor, input))
export const editCutoverStepAction = planAction(ZEditCutoverStep, async (input, actor) => editCutoverStep(actor, input))

/** A DBA ends a sync without a cutover (the worker removes what it made on the source). */
export const endSyncAction = defineAction('run:resolve', ZEndSync, async (input, actor) => {
  const result = await endSyncByPerson(actor, input)
  revalidatePath('/plans', 'layout')
  return result
})
