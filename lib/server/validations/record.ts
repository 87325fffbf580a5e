import 'server-only'
import { db, Prisma } from '@/lib/db'
import { bindingOf, evaluateBinding } from '@/lib/domain/criteria'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { SYSTEM_ACTOR, type SystemActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { transitionValidation } from './transition'
import { emitValidationFailed } from '@/lib/server/webhooks/payloads'

// The worker's writes of a validation: live reports while it runs, and its end – the report, and the
// plan's bound success criteria decided from it – in one transaction, audited.

const WORKER: SystemActor = { ...SYSTEM_ACTOR, label: 'worker' }

const json = (report: ValidationReport) => report as unknown as Prisma.InputJsonValue

export async function saveLiveReport(validationId: string, report: ValidationReport): Promise<void> {
  await db.validation.updateMany({ where: { id: validationId, status: 'RUNNING' }, data: { report: json(report) } })
}

export async function cancelRequested(validationId: string): Promise<boolean> {
  return (
    (await db.validation.findUnique({ where: { id: validationId }, select: { cancelRequested: true } }))
      ?.cancelRequested ?? false
  )
}

/** Ends a validation with its report (or an error), and – when it covered every table – decides the plan's bound criteria from it. */
export async function finishValidation(
  validationId: string,
  outcome: { report: ValidationReport } | { error: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const validation = await tx.validation.findUniqueOrThrow({ where: { id: validationId } })
    const report = 'report' in outcome ? outcome.report : null
    const status = report ? (report.status === 'RUNNING' ? 'ERROR' : report.status) : 'ERROR'
    await transitionValidation(tx, validationId, 'RUNNING', status, {
      report: report ? json(report) : undefined,
      error: 'error' in outcome ? outcome.error : (report?.error ?? null),
      finishedAt: new Date(),
    })
    await recordAudit(tx, WORKER, {
      action: 'validation.finish',
      entityType: 'Validation',
      entityId: validationId,
      planId: validation.planId,
      after: { status, ...(report ? { tables: report.tables.length, findings: report.integrity.length } : {}) },
    })
    if (status === 'FAILED' || status === 'ERROR') await emitValidationFailed(tx, validationId, report)
    // Criteria speak of the whole migration: only a validation of every table decides them.
    if (!report || validation.tables.length) return
    const criteria = await tx.successCriterion.findMany({
      where: { planId: validation.planId, NOT: { binding: { equals: Prisma.DbNull } } },
    })
    const rules = await tx.validationRule.findMany({
      where: { planId: validation.planId },
      select: { id: true, name: true },
    })
    for (const criterion of criteria) {
      const binding = bindingOf(criterion.binding)
      if (!binding) continue
      const ruleName = binding.ruleId ? rules.find((r) => r.id === binding.ruleId)?.name : undefined
      const result = evaluateBinding({ ...binding, ruleName }, report)
      if (!result) continue
      const next = result.met ? 'MET' : 'NOT_MET'
      await tx.successCriterion.update({
        where: { id: criterion.id },
        data: { status: next, evidenceId: validationId, evaluatedAt: new Date() },
      })
      await recordAudit(tx, WORKER, {
        action: 'successCriterion.evaluate',
        entityType: 'SuccessCriterion',
        entityId: criterion.id,
        planId: validation.planId,
        before: { status: criterion.status },
        after: { status: next, evidence: result.evidence, validationId },
      })
    }
  })
}

/** The validation of a validate step's run (one per step run: a resumed step starts it over). */
export async function startStepValidation(
  stepRunId: string,
  planId: string,
  environmentId: string,
  config: { tables: string[]; maxSamples: number; maxDifferences: number },
): Promise<string> {
  const data = {
    status: 'RUNNING' as const,
    tables: config.tables,
    maxSamples: config.maxSamples,
    maxDifferences: config.maxDifferences,
    report: Prisma.DbNull,
    error: null,
    startedAt: new Date(),
    finishedAt: null,
    cancelRequested: false,
  }
  const validation = await db.validation.upsert({
    where: { stepRunId },
    create: { ...data, stepRunId, planId, environmentId },
    update: data,
  })
  return validation.id
}
