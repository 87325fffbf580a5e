'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { cancelRun, rollbackRun, startRun } from '@/lib/server/runs/commands'
import { ZRunDecision, ZRunId, ZStartRun } from '@/lib/server/runs/schemas'
import { markRunApplied, markRunRolledBack, releaseGate, retryRun } from '@/lib/server/runs/resolve'
import { defineAction } from './define-action'

export const startRunAction = defineAction('run:start', ZStartRun, async (input, actor) => {
  const { id } = await startRun(actor, input)
  revalidatePath('/runs')
  redirect(`/runs/${id}`)
})

export const cancelRunAction = defineAction('run:start', ZRunId, async ({ runId }, actor) => cancelRun(actor, runId))
export const rollbackRunAction = defineAction('run:resolve', ZRunId, async ({ runId }, actor) =>
  rollbackRun(actor, runId),
)
export const releaseGateAction = defineAction('run:start', ZRunId, async ({ runId }, actor) =>
  releaseGate(actor, runId),
)
export const retryRunAction = defineAction('run:resolve', ZRunId, async ({ runId }, actor) => retryRun(actor, runId))
export const markRunAppliedAction = defineAction('run:resolve', ZRunDecision, async (input, actor) =>
  markRunApplied(actor, input),
)
export const markRunRolledBackAction = defineAction('run:resolve', ZRunDecision, async (input, actor) =>
  markRunRolledBack(actor, input),
)
