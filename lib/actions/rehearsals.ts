'use server'

import { revalidatePath } from 'next/cache'
import { requestRehearsal } from '@/lib/server/rehearsals/commands'
import { ZRequestRehearsal } from '@/lib/server/rehearsals/schemas'
import { defineAction } from './define-action'

export const requestRehearsalAction = defineAction(
  'run:start',
  ZRequestRehearsal,
  async (input, actor) => {
    const rehearsal = await requestRehearsal(actor, input)
    revalidatePath(`/plans/${input.planId}`)
    return rehearsal
  },
  { success: () => 'Rehearsal queued; the worker starts it within a second.' },
)
