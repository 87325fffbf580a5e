import { planWithConnections } from '@/lib/testing/plan-setup'
import { afterAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { evaluateHealth } from '@/lib/domain/health'
import { loadSeries } from '@/lib/server/monitoring/series'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { addTrigger } from '@/lib/server/plans/register-commands'
import { ZAddPhase, ZAddTrigger } from '@/lib/server/plans/schemas'
import { ZAddSyncStep } from '@/lib/server/plans/sync-schemas'
import { addSyncStep } from '@/lib/server/plans/sync-steps'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { connectionsToSample, createSampler } from './sampler'

// A sync's lag is a metric of its target: the monitor samples a database a sync follows into (no window or
// run needed), records the slowest sync's lag, and a rollback trigger “lag > 30 s for 60 s” reads it.

const environments: string[] = []
const sampler = createSampler({ environmentIds: () => environments })
afterAll(() => sampler.stop())

describe('the lag of a sync as a metric', () => {
  it('is sampled while the sync follows, and a trigger on it fires once it is sustained', async () => {
    const url = await createFreshDatabase('sync_lag_metric', { migrate: false })
    const { lead, planId, environmentId, targetId } = await planWithConnections({ title: 'Lag metric', target: url })
    environments.push(environmentId)
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Keep in sync' }))
    const { id: stepId } = await addSyncStep(
      lead,
      ZAddSyncStep.parse({ phaseId, name: 'Sync', tables: '', mode: 'create' }),
    )
    await addTrigger(
      lead,
      ZAddTrigger.parse({
        planId,
        text: 'Sync lag over 30 s for a minute',
        metric: 'sync_lag_seconds',
        comparator: 'GT',
        threshold: '30',
        sustainedSeconds: '60',
      }),
    )
    const ids = async () => (await connectionsToSample(new Date(), environments)).map((c) => c.id)
    expect(await ids()).not.toContain(targetId)

    const sync = await db.sync.create({
      data: {
        planId,
        stepId,
        environmentId,
        status: 'FOLLOWING',
        engine: 'SQLITE',
        source: 'app.db',
        target: 'target',
        scope: {},
        lagSeconds: 45,
        waitingChanges: 900,
        lagAt: new Date(),
      },
    })
    expect(await ids()).toContain(targetId)
    const from = new Date(Date.now() - 1_000)
    await sampler.tick()
    const points = await loadSeries(targetId, from)
    expect(points.at(-1)?.values.sync_lag_seconds).toBeCloseTo(45, 0)

    const triggers = await db.rollbackTrigger.findMany({ where: { planId } })
    const at = points.at(-1)?.at ?? Date.now()
    // One sample of 45 s is a breach, not yet sustained; the same a minute later fires.
    expect(evaluateHealth(triggers, points, { now: at }).triggers[0]?.firedAt).toBeFalsy()
    const later = [...points, { ...points.at(-1), at: at + 61_000 } as (typeof points)[number]]
    expect(evaluateHealth(triggers, later, { now: at + 61_000 }).triggers[0]?.firedAt).toBeTruthy()

    await db.sync.update({ where: { id: sync.id }, data: { status: 'SWITCHED' } })
    expect(await ids()).not.toContain(targetId)
  })
})
