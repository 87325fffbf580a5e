import { db } from '@/lib/db'
import {
  applyInSession,
  rollbackInSession,
  type AcceptedChange,
  type ApplyOptions,
  type Script,
} from '@/lib/engine/sql/apply'
import type { ApplyEvent } from '@/lib/targets/sql/session'
import { splitStatements } from '@/lib/targets/sql/split'
import { sqlConfigOf } from '@/lib/domain/step-kinds'
import { progressWriter, requireTarget, type StepContext, type StepResult, type StepRunner } from './types'

// `sql` steps: the step's script (and its rollback) through the same engine as `lockstep sql apply`,
// recorded in the target's history under the step's id.

const scriptOf = (ctx: StepContext): Script => ({
  version: `step-${ctx.step.id}`,
  description: ctx.step.name,
  label: ctx.step.name,
  sql: ctx.step.body,
  rollbackSql: ctx.step.rollbackBody,
})

/**
 * A DBA's acceptance, recorded by the web tier, of this step's new text on the run's environment – for
 * exactly the checksum in the target's history and the script's checksum now (lib/server/revisions).
 */
async function acceptanceOf(ctx: StepContext, from: string, to: string): Promise<AcceptedChange | null> {
  const accepted = await db.acceptedChecksum.findFirst({
    where: { stepId: ctx.step.id, environmentId: ctx.environmentId, fromChecksum: from, toChecksum: to },
    select: { reason: true, acceptedBy: { select: { email: true } } },
  })
  return accepted ? { by: `the DBA ${accepted.acceptedBy.email}`, reason: accepted.reason } : null
}

function optionsOf(ctx: StepContext, track: (write: () => Promise<void>) => void): ApplyOptions {
  const config = sqlConfigOf(ctx.step.config)
  return {
    acceptedChange: ({ from, to }) => acceptanceOf(ctx, from, to),
    appliedBy: ctx.appliedBy,
    dryRun: ctx.dryRun,
    retryFailed: ctx.retryFailed,
    statementTimeoutMs: config.statementTimeoutMs,
    lockTimeoutMs: config.lockTimeoutMs,
    signal: ctx.signal,
    log: (e: ApplyEvent) => ctx.log(e.level, e.message),
    onStatement: (running) =>
      track(() =>
        ctx.progress(
          running
            ? {
                currentStatement: running.sql.slice(0, 2000),
                backendPid: running.backendPid,
                statementsApplied: running.index,
              }
            : { currentStatement: null, backendPid: null },
        ),
      ),
  }
}

export const sqlRunner: StepRunner = {
  needsTarget: true,
  async run(ctx): Promise<StepResult> {
    const statementsTotal = (await splitStatements(ctx.step.body)).length
    await ctx.progress({ statementsTotal })
    const writer = progressWriter()
    const [outcome] = await applyInSession(requireTarget(ctx), [scriptOf(ctx)], optionsOf(ctx, writer.track)).finally(
      writer.flushed,
    )
    if (!outcome) return { status: 'FAILED', error: 'The script produced no outcome.' }
    const counts = { statementsApplied: outcome.statementsApplied, statementsTotal: outcome.statementsTotal }
    switch (outcome.status) {
      case 'FAILED':
        return { status: 'FAILED', error: outcome.error ?? 'failed', ...counts }
      case 'CANCELLED':
        return { status: 'CANCELLED', statementsApplied: outcome.statementsApplied }
      case 'SKIPPED':
        return {
          status: 'SKIPPED',
          message: `skipped in the dry run: ${outcome.reason ?? 'it cannot run inside a transaction'}`,
        }
      case 'ALREADY_APPLIED':
        return { status: 'SUCCEEDED', message: 'was already applied on this target', ...counts }
      case 'DRY_RUN':
        return { status: 'SUCCEEDED', message: 'ran and was rolled back (dry run)', ...counts }
      default:
        // A script with its own BEGIN … COMMIT ran as written: the step says so, as the history does.
        return {
          status: 'SUCCEEDED',
          message: outcome.transactions?.startsWith('as written') ? `succeeded, ${outcome.transactions}` : 'succeeded',
          ...counts,
        }
    }
  },
  async rollback(ctx): Promise<StepResult> {
    const writer = progressWriter()
    const outcome = await rollbackInSession(requireTarget(ctx), scriptOf(ctx), optionsOf(ctx, writer.track)).finally(
      writer.flushed,
    )
    return outcome.status === 'FAILED'
      ? { status: 'FAILED', error: outcome.error ?? 'failed' }
      : { status: 'SUCCEEDED', message: 'rolled back' }
  },
}
