import 'server-only'
import { can } from '@/lib/auth/permissions'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { scriptChecksum, scriptsChecksum } from '@/lib/server/step-content'
import { appliedScriptsOf, ranScriptsOf } from './applied'

export type RevisionDTO = {
  id: string
  number: number
  body: string
  rollbackBody: string | null
  scriptsChecksum: string
  origin: string
  restoredFrom: number | null
  authorLabel: string
  createdAt: string
  isCurrent: boolean
  /** Where this text ran (succeeded), with the latest such run per environment. */
  ranOn: { environmentName: string; runId: string; at: string | null }[]
}

/** One environment where the step's script is applied, and whether the current text still matches it. */
export type AppliedOnDTO = {
  environmentId: string
  environmentName: string
  runId: string
  at: string | null
  /** The revision that ran there (null: a text saved before revisions were kept, or never saved as such). */
  revisionNumber: number | null
  /** The current script differs from the applied one: a run there refuses it until a DBA accepts the new checksum. */
  isChanged: boolean
  accepted: { byName: string; reason: string; at: string } | null
}

export type StepRevisionsDTO = {
  step: { id: string; name: string; planId: string; planTitle: string; phaseName: string | null; isRemoved: boolean }
  revisions: RevisionDTO[]
  applied: AppliedOnDTO[]
  currentNumber: number | null
  canRestore: boolean
  /** DBAs: may accept a changed script's new checksum on an environment (Flyway's repair). */
  canAccept: boolean
}

/** Everyone who reads plans: a SQL step's revisions, where each ran, and the acceptances of changed scripts. */
export async function getStepRevisionsForViewer(
  actor: UserActor,
  planId: string,
  stepId: string,
): Promise<StepRevisionsDTO> {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(stepId).success || !ZId.safeParse(planId).success) throw notFound('Step')
  const step = await db.step.findFirst({
    where: { id: stepId, planId, kind: 'SQL' },
    include: {
      plan: { select: { title: true, status: true } },
      phase: { select: { name: true } },
      revisions: { orderBy: { number: 'desc' } },
    },
  })
  if (!step) throw notFound('Step')
  const current = scriptsChecksum(step)
  const [applied, ran] = await Promise.all([appliedScriptsOf(db, step.id), ranScriptsOf(db, step.id)])
  const acceptances = await db.acceptedChecksum.findMany({
    where: { stepId: step.id, toChecksum: scriptChecksum(step.body) },
    include: { acceptedBy: { select: { name: true } } },
  })
  const numberOf = (checksum: string) => step.revisions.find((r) => r.scriptsChecksum === checksum)?.number ?? null
  const currentNumber = numberOf(current)
  return {
    step: {
      id: step.id,
      name: step.name,
      planId: step.planId,
      planTitle: step.plan.title,
      phaseName: step.phase?.name ?? null,
      isRemoved: !!step.removedAt,
    },
    currentNumber,
    revisions: step.revisions.map((r) => ({
      id: r.id,
      number: r.number,
      body: r.body,
      rollbackBody: r.rollbackBody,
      scriptsChecksum: r.scriptsChecksum,
      origin: r.origin,
      restoredFrom: r.restoredFrom,
      authorLabel: r.authorLabel,
      createdAt: r.createdAt.toISOString(),
      isCurrent: r.number === currentNumber,
      ranOn: ran
        .filter((a) => a.scriptsChecksum === r.scriptsChecksum)
        .map((a) => ({ environmentName: a.environmentName, runId: a.runId, at: a.at })),
    })),
    applied: applied.map((a) => {
      const isChanged = a.historyChecksum !== scriptChecksum(step.body)
      const acceptance = isChanged
        ? acceptances.find((x) => x.environmentId === a.environmentId && x.fromChecksum === a.historyChecksum)
        : undefined
      return {
        environmentId: a.environmentId,
        environmentName: a.environmentName,
        runId: a.runId,
        at: a.at,
        revisionNumber: numberOf(a.scriptsChecksum),
        isChanged,
        accepted: acceptance
          ? { byName: acceptance.acceptedBy.name, reason: acceptance.reason, at: acceptance.createdAt.toISOString() }
          : null,
      }
    }),
    canRestore: can(actor.role, 'plan:edit') && step.plan.status !== 'ARCHIVED' && !step.removedAt,
    canAccept: can(actor.role, 'run:resolve') && step.plan.status !== 'ARCHIVED' && !step.removedAt,
  }
}

/**
 * For a failed step run of a SQL step: when the script it was given differs from the one applied on the
 * run's environment (the run refused it), the revisions page comparing the applied text with it.
 */
export async function changedScriptOf(
  planId: string,
  environmentId: string,
  stepRun: { stepId: string; body: string; rollbackBody: string | null },
): Promise<{ href: string; environmentName: string } | null> {
  const applied = (await appliedScriptsOf(db, stepRun.stepId)).find((a) => a.environmentId === environmentId)
  if (!applied || applied.historyChecksum === scriptChecksum(stepRun.body)) return null
  const revisions = await db.scriptRevision.findMany({
    where: { stepId: stepRun.stepId, scriptsChecksum: { in: [applied.scriptsChecksum, scriptsChecksum(stepRun)] } },
    select: { number: true, scriptsChecksum: true },
    orderBy: { number: 'desc' },
  })
  const from = revisions.find((r) => r.scriptsChecksum === applied.scriptsChecksum)?.number
  const to = revisions.find((r) => r.scriptsChecksum === scriptsChecksum(stepRun))?.number
  const query = from && to ? `?from=${from}&to=${to}#diff` : ''
  return { href: `/plans/${planId}/steps/${stepRun.stepId}${query}`, environmentName: applied.environmentName }
}
