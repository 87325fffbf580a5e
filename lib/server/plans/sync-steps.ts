import 'server-only'
import { db } from '@/lib/db'
import { CUTOVER_CONFIG_DEFAULTS, storedSyncConfig } from '@/lib/domain/sync'
import type { UserActor } from '@/lib/server/actor'
import { invalid } from '@/lib/server/errors'
import { planIdOf } from './edit-plan'
import { addConfiguredStep, copySettings, editConfiguredStep } from './step-commands'
import type { TAddCutoverStep, TAddSyncStep, TEditCutoverStep, TEditSyncStep } from './sync-schemas'

// Sync and cutover steps: saved like the other configured steps (plan:edit, the plan's lock, audit, approvals
// reopened). The step a sync follows, or a cutover ends, must be one of the plan's own of the right kind.

async function refuseForeignStep(planId: string, stepId: string | null, kind: 'COPY' | 'SYNC', field: string) {
  if (!stepId) return
  const step = await db.step.findFirst({ where: { id: stepId, planId, kind, removedAt: null }, select: { id: true } })
  if (!step)
    throw invalid('The step chosen is not one of this plan.', {
      [field]: [kind === 'COPY' ? 'Choose a copy step of this plan.' : 'Choose a sync step of this plan.'],
    })
}

const syncConfig = (input: TAddSyncStep | TEditSyncStep) =>
  storedSyncConfig({ ...copySettings(input), copyStepId: input.copyStepId, captureConfirmed: input.captureConfirmed })

const cutoverConfig = (input: TAddCutoverStep | TEditCutoverStep) => ({
  ...(input.syncStepId ? { syncStepId: input.syncStepId } : {}),
  quietSeconds: input.quietSeconds ?? CUTOVER_CONFIG_DEFAULTS.quietSeconds,
})

/** Adds a sync step (plan:edit). */
export async function addSyncStep(actor: UserActor, input: TAddSyncStep) {
  await refuseForeignStep(await planIdOf('phase', input.phaseId), input.copyStepId, 'COPY', 'copyStepId')
  return addConfiguredStep(actor, input.phaseId, 'SYNC', input.name, syncConfig(input))
}

export async function editSyncStep(actor: UserActor, input: TEditSyncStep) {
  await refuseForeignStep(await planIdOf('step', input.stepId), input.copyStepId, 'COPY', 'copyStepId')
  return editConfiguredStep(actor, input.stepId, 'SYNC', input.name, syncConfig(input))
}

/** Adds a cutover step (plan:edit). */
export async function addCutoverStep(actor: UserActor, input: TAddCutoverStep) {
  await refuseForeignStep(await planIdOf('phase', input.phaseId), input.syncStepId, 'SYNC', 'syncStepId')
  return addConfiguredStep(actor, input.phaseId, 'CUTOVER', input.name, cutoverConfig(input))
}

export async function editCutoverStep(actor: UserActor, input: TEditCutoverStep) {
  await refuseForeignStep(await planIdOf('step', input.stepId), input.syncStepId, 'SYNC', 'syncStepId')
  return editConfiguredStep(actor, input.stepId, 'CUTOVER', input.name, cutoverConfig(input))
}
