import 'server-only'
import { db } from '@/lib/db'
import { KIND_NAMES } from '@/lib/domain/step-kinds'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { conflict, DomainError, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { appliedElsewhere, appliedScriptsOf } from '@/lib/server/revisions/applied'
import { addSqlStep, editSqlStep } from './step-commands'

// A SQL step kept from a file (the HTTP API, `lockstep remote push`): the step of that name in the phase is
// created or changed through the same commands as the plan page's editor – linted, kept as a revision, audited,
// approvals of the phase reopened – or left alone when its scripts are already these.

export type TPutSqlStep = {
  planId: string
  phaseId: string
  name: string
  script: string
  /** Null: the step has no rollback script. */
  rollbackScript: string | null
  allowAppliedChange: boolean
}

export type PutSqlStepResult = {
  step: { id: string; name: string; position: number; revision: number | null }
  outcome: 'created' | 'updated' | 'unchanged'
}

const lf = (text: string | null) => (text === null ? null : text.replace(/\r\n/g, '\n'))

export async function putSqlStep(actor: UserActor, input: TPutSqlStep): Promise<PutSqlStepResult> {
  assertCan(actor, 'plan:edit')
  if (!ZId.safeParse(input.planId).success || !ZId.safeParse(input.phaseId).success) throw notFound('Phase')
  const phase = await db.phase.findFirst({ where: { id: input.phaseId, planId: input.planId } })
  if (!phase) throw notFound('Phase')
  const existing = await db.step.findFirst({
    where: { phaseId: phase.id, name: input.name, removedAt: null },
    orderBy: { position: 'asc' },
  })
  let outcome: PutSqlStepResult['outcome']
  let stepId: string
  if (!existing) {
    stepId = (
      await addSqlStep(actor, {
        phaseId: phase.id,
        name: input.name,
        body: input.script,
        rollbackBody: input.rollbackScript,
        statementTimeoutSeconds: null,
        lockTimeoutMs: null,
      })
    ).id
    outcome = 'created'
  } else if (existing.kind !== 'SQL') {
    throw conflict(
      `The step “${existing.name}” of “${phase.name}” is a ${KIND_NAMES[existing.kind]} step, not a SQL step; rename the file or the step.`,
    )
  } else if (lf(existing.body) === lf(input.script) && lf(existing.rollbackBody) === lf(input.rollbackScript)) {
    stepId = existing.id
    outcome = 'unchanged'
  } else {
    // The timeouts set on the page stay as they are: a file carries only the scripts.
    const config = (existing.config ?? {}) as { statementTimeoutMs?: number; lockTimeoutMs?: number }
    try {
      stepId = (
        await editSqlStep(actor, {
          stepId: existing.id,
          name: existing.name,
          body: input.script,
          rollbackBody: input.rollbackScript,
          statementTimeoutSeconds: config.statementTimeoutMs ? Math.round(config.statementTimeoutMs / 1000) : null,
          lockTimeoutMs: config.lockTimeoutMs ?? null,
          appliedDecision: input.allowAppliedChange ? 'edit' : null,
        })
      ).id
    } catch (error) {
      if (!(error instanceof DomainError && error.fieldErrors?.appliedDecision)) throw error
      const where = appliedElsewhere(await appliedScriptsOf(db, existing.id), lf(input.script) ?? '')
      throw conflict(
        `The script of “${existing.name}” already ran on ${where.map((a) => `“${a.environmentName}”`).join(', ')}; an applied script is not changed. Add the change as a new file, or send allowAppliedChange: true to change it anyway (a DBA then accepts the new checksum there).`,
      )
    }
    outcome = 'updated'
  }
  const step = await db.step.findUniqueOrThrow({
    where: { id: stepId },
    select: {
      id: true,
      name: true,
      position: true,
      revisions: { orderBy: { number: 'desc' }, take: 1, select: { number: true } },
    },
  })
  return {
    step: { id: step.id, name: step.name, position: step.position, revision: step.revisions[0]?.number ?? null },
    outcome,
  }
}
