import { startStepValidation } from '@/lib/server/validations/record'
import { validatePlan } from '@/lib/engine/validations'
import { validateConfigOf } from '@/lib/domain/step-kinds'
import type { ValidateDetail } from '@/lib/domain/step-details'
import type { StepResult, StepRunner } from './types'
import { plural } from '@/lib/domain/words'

// `validate` steps: the plan's target against its source on the run's environment (lib/engine/validate),
// recorded as a validation of the plan – its report live on the run page and the validation page – and
// deciding the plan's bound success criteria. Differences, findings or a failing rule fail the step.
// A validation only reads, so it runs in dry runs too.

export const validateRunner: StepRunner = {
  needsTarget: true,
  async run(ctx): Promise<StepResult> {
    const config = validateConfigOf(ctx.step.config)
    const validationId = await startStepValidation(ctx.stepRunId, ctx.planId, ctx.environmentId, config)
    await ctx.progress({ detail: { validationId } satisfies ValidateDetail })
    const report = await validatePlan({
      validationId,
      planId: ctx.planId,
      environmentId: ctx.environmentId,
      ...config,
      signal: ctx.signal,
    })
    for (const warning of report.warnings) ctx.log('warn', warning)
    const tables = report.tables
    if (report.status === 'CANCELLED') return { status: 'CANCELLED' }
    if (report.status === 'PASSED') {
      const noKey = tables.filter((t) => t.state === 'NO_PRIMARY_KEY').length
      return {
        status: 'SUCCEEDED',
        message: `validated ${plural(tables.length, 'table')} in ${report.seconds.toFixed(1)} s: all match${noKey ? ` (${plural(noKey, 'table')} without a primary key compared by count and checksum)` : ''}`,
      }
    }
    const problems = [
      ...tables
        .filter((t) => t.state === 'MISMATCHED')
        .map(
          (t) =>
            `${t.table}: ${[t.missing && `${t.missing} missing`, t.extra && `${t.extra} extra`, t.changed && `${t.changed} changed`].filter(Boolean).join(', ') || 'checksums differ'}`,
        ),
      ...tables.filter((t) => t.state === 'ERROR').map((t) => `${t.table}: ${t.error ?? 'error'}`),
      ...report.integrity.map(
        (f) =>
          `${plural(f.count, f.kind === 'orphan' ? 'orphaned row' : f.kind === 'not-null' ? 'NULL' : 'duplicate')} in ${f.table} (${f.columns.join(', ')})`,
      ),
      ...report.rules
        .filter((r) => !r.passed && r.action === 'fail')
        .map((r) => `rule “${r.name}”: ${r.error ?? plural(r.violations, 'violating row')}`),
    ]
    return {
      status: 'FAILED',
      error: `Validation found differences – ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}.`,
    }
  },
}
