import { executeRun } from '@/lib/engine/runs'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddManualStep, ZAddPhase } from '@/lib/server/plans/schemas'
import { addManualStep } from '@/lib/server/plans/step-commands'
import { ZAddCutoverStep, ZAddSyncStep } from '@/lib/server/plans/sync-schemas'
import { addCutoverStep, addSyncStep } from '@/lib/server/plans/sync-steps'
import { startRun } from '@/lib/server/runs/commands'

// A zero-downtime move as the sync tests plan it: "Keep in sync" (a sync step of every table) and "Cut over" (a
// gate "Stop writes to the source", then the cutover), and their runs executed as the worker executes them.

export async function syncAndCutoverPhases(
  lead: UserActor,
  plan: { planId: string; environmentId: string },
  sync: { captureConfirmed?: boolean } = {},
) {
  const { planId, environmentId } = plan
  const { id: syncPhase } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Keep in sync' }))
  const { id: cutPhase } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cut over' }))
  await addSyncStep(
    lead,
    ZAddSyncStep.parse({
      phaseId: syncPhase,
      name: 'Sync',
      tables: '',
      mode: 'create',
      ...(sync.captureConfirmed ? { captureConfirmed: 'on' } : {}),
    }),
  )
  await addManualStep(lead, ZAddManualStep.parse({ phaseId: cutPhase, name: 'Stop writes to the source' }))
  await addCutoverStep(lead, ZAddCutoverStep.parse({ phaseId: cutPhase, name: 'Cut over' }))
  const start = async (phaseId: string) =>
    (await startRun(lead, { planId, phaseId, environmentId, dryRun: false, code: undefined })).id
  return { syncPhase, cutPhase, startSync: () => start(syncPhase), startCutover: () => start(cutPhase) }
}

/** Executes a run this test started, claimed by its id (other files' runs in the shared database are theirs). */
export async function executeOwnRun(runId: string, workerId = 'sync-test') {
  await db.run.update({ where: { id: runId }, data: { status: 'RUNNING', workerId, startedAt: new Date() } })
  return executeRun(runId)
}
