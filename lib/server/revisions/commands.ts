import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import { editPlan, planIdOf } from '@/lib/server/plans/edit-plan'
import { lintScripts } from '@/lib/server/plans/lint'
import { NO_LINT_OVERRIDE, stepToChange } from '@/lib/server/plans/step-commands'
import { scriptChecksum, scriptsChecksum } from '@/lib/server/step-content'
import { refuseOnViolation } from '@/lib/server/unique-index'
import { reopenApprovalsAfterChange } from '@/lib/server/windows/commands'
import { appliedScriptsOf } from './applied'
import { recordRevision } from './record'
import type { TAcceptChecksum, TRestoreRevision } from './schemas'

// Restoring a revision (a save like any other: a new revision with exactly the old texts) and a DBA's
// acceptance of a changed script's new checksum on one environment (Flyway's repair), both audited.

/** Editors: the step's script and rollback script become the revision's exactly (same scriptsChecksum). */
export async function restoreRevision(actor: UserActor, input: TRestoreRevision): Promise<{ number: number }> {
  const planId = await planIdOf('step', input.stepId)
  const wanted = await db.scriptRevision.findFirst({ where: { id: input.revisionId, stepId: input.stepId } })
  if (!wanted) throw notFound('Revision')
  const lint = await lintScripts(wanted.body, wanted.rollbackBody)
  return editPlan(actor, planId, async ({ tx, plan, audit }) => {
    const step = await stepToChange(tx, plan.id, input.stepId)
    if (step.kind !== 'SQL') throw notFound('Step')
    if (scriptsChecksum(step) === wanted.scriptsChecksum)
      throw conflict(`Revision ${wanted.number} is already the script of “${step.name}”.`)
    await tx.step.update({
      where: { id: step.id },
      data: { body: wanted.body, rollbackBody: wanted.rollbackBody, lint, ...NO_LINT_OVERRIDE },
    })
    const restored = { id: step.id, body: wanted.body, rollbackBody: wanted.rollbackBody }
    const number = await recordRevision(tx, actor, restored, 'restored', wanted.number)
    if (number === null) throw conflict(`Revision ${wanted.number} is already the script of “${step.name}”.`)
    await reopenApprovalsAfterChange(tx, actor, {
      planId: plan.id,
      phaseId: step.phaseId,
      what: `the step “${step.name}” was restored to revision ${wanted.number}`,
    })
    await audit({
      action: 'step.restore-revision',
      entityType: 'Step',
      entityId: step.id,
      before: { name: step.name, body: step.body, rollbackBody: step.rollbackBody, checksum: scriptsChecksum(step) },
      after: { revision: number, restoredFrom: wanted.number, checksum: scriptsChecksum(restored) },
    })
    return { number }
  })
}

const ACCEPTANCE_INDEX = 'AcceptedChecksum_stepId_environmentId_toChecksum_key'

/**
 * DBAs (role re-read in the transaction): the next run on the environment may take the step's current
 * script as applied where the target's history holds the text that ran there – for exactly this pair of
 * checksums; any other text is still refused.
 */
export async function acceptChecksum(actor: UserActor, input: TAcceptChecksum): Promise<{ id: string }> {
  const planId = await planIdOf('step', input.stepId)
  return refuseOnViolation(
    ACCEPTANCE_INDEX,
    () =>
      editPlan(actor, planId, async ({ tx, plan, audit }) => {
        await assertCanInTx(tx, actor, 'run:resolve')
        const step = await tx.step.findFirst({ where: { id: input.stepId, planId: plan.id, removedAt: null } })
        if (!step || step.kind !== 'SQL') throw notFound('Step')
        const environment = await tx.environment.findUnique({ where: { id: input.environmentId } })
        if (!environment) throw notFound('Environment')
        const applied = (await appliedScriptsOf(tx, step.id)).find((a) => a.environmentId === environment.id)
        if (!applied)
          throw conflict(`“${step.name}” has not run on ${environment.name}: there is no checksum to accept.`)
        const toChecksum = scriptChecksum(step.body)
        if (applied.historyChecksum === toChecksum)
          throw conflict(`The script of “${step.name}” is the one that ran on ${environment.name}: nothing to accept.`)
        const accepted = await tx.acceptedChecksum.create({
          data: {
            stepId: step.id,
            environmentId: environment.id,
            fromChecksum: applied.historyChecksum,
            toChecksum,
            reason: input.reason,
            acceptedById: actor.id,
          },
        })
        await audit({
          action: 'step.accept-checksum',
          entityType: 'Step',
          entityId: step.id,
          after: {
            name: step.name,
            environment: environment.name,
            fromChecksum: applied.historyChecksum,
            toChecksum,
            reason: input.reason,
            ranIn: applied.runId,
          },
        })
        return { id: accepted.id }
      }),
    async () => conflict('The new checksum of this script is already accepted on that environment.'),
  )
}
