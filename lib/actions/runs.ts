'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { z } from 'zod'
import { checkbox, ZId } from '@/lib/server/fields'
import { cancelRun, rollbackRun, startRun } from '@/lib/server/runs/commands'
import { defineAction } from './define-action'

const ZStartRun = z.object({ planId: ZId, phaseId: ZId, environmentId: ZId, dryRun: checkbox })

export const startRunAction = defineAction('run:start', ZStartRun, async (input, actor) => {
  const { id } = await startRun(actor, input)
  revalidatePath('/runs')
  redirect(`/runs/${id}`)
})

export const cancelRunAction = defineAction('run:start', z.object({ runId: ZId }), async ({ runId }, actor) => cancelRun(actor, runId))
export const rollbackRunAction = defineAction('run:resolve', z.object({ runId: ZId }), async ({ runId }, actor) => rollbackRun(actor, runId))
