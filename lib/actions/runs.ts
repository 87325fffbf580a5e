'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { z } from 'zod'
import { checkbox, requiredText, ZId } from '@/lib/server/fields'
import { cancelRun, rollbackRun, startRun } from '@/lib/server/runs/commands'
import { markRunApplied, markRunRolledBack, releaseGate, retryRun } from '@/lib/server/runs/resolve'
import { defineAction } from './define-action'

const ZStartRun = z.object({ planId: ZId, phaseId: ZId, environmentId: ZId, dryRun: checkbox })

export const startRunAction = defineAction('run:start', ZStartRun, async (input, actor) => {
  const { id } = await startRun(actor, input)
  revalidatePath('/runs')
  redirect(`/runs/${id}`)
})

export const cancelRunAction = defineAction('run:start', z.object({ runId: ZId }), async ({ runId }, actor) => cancelRun(actor, runId))
export const rollbackRunAction = defineAction('run:resolve', z.object({ runId: ZId }), async ({ runId }, actor) => rollbackRun(actor, runId))
export const releaseGateAction = defineAction('run:start', z.object({ runId: ZId }), async ({ runId }, actor) => releaseGate(actor, runId))
export const retryRunAction = defineAction('run:resolve', z.object({ runId: ZId }), async ({ runId }, actor) => retryRun(actor, runId))
const ZDecision = z.object({ runId: ZId, note: requiredText('what was done by hand', 2_000) })
export const markRunAppliedAction = defineAction('run:resolve', ZDecision, async (input, actor) => markRunApplied(actor, input))
export const markRunRolledBackAction = defineAction('run:resolve', ZDecision, async (input, actor) => markRunRolledBack(actor, input))
