'use server'

import { revalidatePath } from 'next/cache'
import { acknowledgeDrift, requestDriftCheck } from '@/lib/server/drift/commands'
import { ZAcknowledgeDrift, ZRequestDriftCheck } from '@/lib/server/drift/schemas'
import { defineAction } from './define-action'

/** Queues a drift check of a target (the worker makes it). */
export const requestDriftCheckAction = defineAction('connection:read', ZRequestDriftCheck, async (input, actor) =>
  requestDriftCheck(actor, input),
)

/** A DBA acknowledges the drift a check found, with a reason. */
export const acknowledgeDriftAction = defineAction('run:start-protected', ZAcknowledgeDrift, async (input, actor) => {
  const result = await acknowledgeDrift(actor, input)
  revalidatePath('/plans', 'layout')
  return result
})
