import { setTimeout as delay } from 'node:timers/promises'
import { db } from '@/lib/db'
import { evaluateHealth } from '@/lib/domain/health'
import { isMetricName } from '@/lib/domain/metrics'
import { formatDuration } from '@/lib/domain/words'
import { loadSeries } from '@/lib/server/monitoring/series'
import { SAMPLE_EVERY_MS } from '@/lib/engine/monitor/sampler'
import { observeConfigOf } from '@/lib/domain/step-kinds'
import type { ObserveDetail } from '@/lib/domain/step-details'
import type { StepResult, StepRunner } from './types'

// `observe` steps: watch the run's target for a while against the plan's rollback triggers. The worker's
// monitor samples the target while the run is in progress (lib/engine/monitor/sampler.ts); this step
// evaluates the triggers on the samples taken since it started, after each new one. A trigger that fires
// fails the step with its evidence – and, if the step says so, starts the run's rollback.

const STALE_MS = 30_000

export const observeRunner: StepRunner = {
  needsTarget: false,
  async run(ctx): Promise<StepResult> {
    const config = observeConfigOf(ctx.step.config)
    if (ctx.dryRun) return { status: 'SKIPPED', message: 'not observed in a dry run' }
    const plan = await db.plan.findUniqueOrThrow({
      where: { id: ctx.planId },
      select: {
        rollbackTriggers: { orderBy: { position: 'asc' } },
        environments: { where: { environmentId: ctx.environmentId }, select: { targetConnectionId: true } },
      },
    })
    const connectionId = plan.environments[0]?.targetConnectionId
    if (!connectionId)
      return { status: 'FAILED', error: 'The plan has no target connection on this environment to observe.' }
    const triggers = plan.rollbackTriggers
    const measurable = triggers.filter((t) => isMetricName(t.metric) && t.comparator && t.threshold !== null)
    if (!measurable.length)
      ctx.log(
        'warn',
        'The plan has no measurable rollback trigger: the observation records the metrics but nothing can make it fail.',
      )
    // A resumed run observes again for the whole duration: what happened while no worker watched is not evidence of health.
    const startedAt = new Date()
    const endsAt = new Date(startedAt.getTime() + config.seconds * 1000)
    ctx.log(
      'info',
      `Observing the target until ${endsAt.toISOString().slice(11, 19)} UTC against ${measurable.length} rollback trigger(s).`,
    )
    let samples = 0
    for (;;) {
      const now = new Date()
      const points = await loadSeries(connectionId, startedAt, now)
      samples = points.filter((p) => p.ok).length
      const report = evaluateHealth(triggers, points, { now: now.getTime(), staleAfterMs: STALE_MS })
      // Fired at any sample since the start – even if the latest has recovered – is a failed observation.
      const fired = report.triggers.filter((t) => t.firedAt)
      const health = fired.length ? 'FAILING' : report.health
      const detail: ObserveDetail = {
        seconds: config.seconds,
        startedAt: startedAt.toISOString(),
        endsAt: endsAt.toISOString(),
        evaluatedAt: now.toISOString(),
        rollback: config.rollback,
        health,
        reasons: report.reasons,
        samples,
      }
      await ctx.progress({ detail })
      if (fired.length) {
        const evidence = fired
          .map((t) => `“${t.text}” fired at ${t.firedAt?.slice(11, 19)} UTC: ${t.firedValue} (${t.condition}).`)
          .join(' ')
        return {
          status: 'FAILED',
          error: `A rollback trigger fired – ${evidence}`,
          rollback: config.rollback === 'start',
          fired: fired.map((t) => ({
            text: t.text,
            condition: t.condition,
            value: t.firedValue ?? null,
            firedAt: t.firedAt ?? null,
          })),
        }
      }
      if (now >= endsAt) break
      try {
        await delay(Math.min(SAMPLE_EVERY_MS, endsAt.getTime() - now.getTime()), undefined, { signal: ctx.signal })
      } catch {
        return { status: 'CANCELLED' }
      }
    }
    if (!samples)
      return {
        status: 'FAILED',
        error: 'The target could not be sampled during the observation, so its health is unknown.',
      }
    return {
      status: 'SUCCEEDED',
      message: `observed the target for ${formatDuration(config.seconds)} (${samples} samples): no rollback trigger fired`,
    }
  },
}
