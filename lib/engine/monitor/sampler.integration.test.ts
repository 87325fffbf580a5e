import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { createSampler, RETENTION_HOURS, SAMPLE_EVERY_MS } from './sampler'
import type { PostgresSampleData } from '@/lib/domain/monitor-sample'

// The worker's sampler against real connections: it samples only what matters now (an open window, a
// run in progress, an open view), stores rates from the second sample on, records an unreachable server
// and backs off from it, and forgets samples past the retention.

const environments: string[] = [] // this file's: other files' connections are theirs to sample
const sampler = createSampler({ environmentIds: () => environments })
afterAll(() => sampler.stop())

async function setup() {
  const dba = await makeUser('DBA')
  const { id: environmentId } = await createEnvironment(dba, {
    name: `monitored-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: true,
  })
  environments.push(environmentId)
  const url = await createFreshDatabase('sampled', { migrate: false })
  const { id: good } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'target',
      role: 'TARGET',
      url: `${url}?sslmode=disable`,
    }),
  )
  const { id: gone } = await createConnection(
    dba,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      name: 'gone',
      role: 'SOURCE',
      url: 'postgresql://nobody:secret@127.0.0.1:1/nothing?sslmode=disable',
    }),
  )
  return { dba, environmentId, good, gone }
}

const samplesOf = (connectionId: string) =>
  db.metricSample.findMany({ where: { connectionId }, orderBy: { id: 'asc' } })

describe('the sampler', () => {
  it('samples a connection while its view is open or a window is active, with rates from the second sample on; an unreachable one is recorded and retried later', async () => {
    const { dba, environmentId, good, gone } = await setup()
    const start = new Date()
    await sampler.tick(start)
    expect(await samplesOf(good)).toHaveLength(0) // nothing going on: not sampled

    await db.connection.update({ where: { id: good }, data: { watchedUntil: new Date(start.getTime() + 60_000) } })
    await sampler.tick(start)
    const [first] = await samplesOf(good)
    expect(first).toMatchObject({ ok: true, error: null })
    expect((first?.data as PostgresSampleData).rates).toBeNull()
    expect((first?.data as PostgresSampleData).sample.counters.sizeBytes).toBeGreaterThan(0)
    expect(await samplesOf(gone)).toHaveLength(0)

    // An approved window open now: every connection of the environment is sampled.
    const { id: planId } = await createPlan(dba, ZCreatePlan.parse({ title: 'Monitored plan' }))
    await db.maintenanceWindow.create({
      data: {
        environmentId,
        planId,
        startsAt: new Date(start.getTime() - 60_000),
        endsAt: new Date(start.getTime() + 3_600_000),
        latestStartAt: new Date(start.getTime() + 1_800_000),
        reason: 'test',
        status: 'APPROVED',
        requestedById: dba.id,
      },
    })
    const later = new Date(start.getTime() + SAMPLE_EVERY_MS)
    await sampler.tick(later)
    const goodSamples = await samplesOf(good)
    expect(goodSamples).toHaveLength(2)
    expect((goodSamples[1]?.data as PostgresSampleData).rates).toMatchObject({
      commitsPerSecond: expect.any(Number),
      rollbacksPerSecond: expect.any(Number),
      seconds: expect.any(Number),
    })
    expect(await samplesOf(gone)).toEqual([
      expect.objectContaining({ ok: false, error: expect.stringMatching(/127\.0\.0\.1:1/) }),
    ])

    // Too soon for either: the good one waits its interval, the unreachable one its back-off.
    await sampler.tick(new Date(later.getTime() + 100))
    expect(await samplesOf(good)).toHaveLength(2)
    expect(await samplesOf(gone)).toHaveLength(1)
    await sampler.tick(new Date(later.getTime() + SAMPLE_EVERY_MS))
    expect(await samplesOf(good)).toHaveLength(3)
    expect(await samplesOf(gone)).toHaveLength(1) // backing off: 4 s after the first failure
    await sampler.tick(new Date(later.getTime() + 2 * SAMPLE_EVERY_MS))
    expect(await samplesOf(gone)).toHaveLength(2)
  })

  it('forgets samples past the retention', async () => {
    const { good } = await setup()
    const now = new Date()
    await db.metricSample.create({
      data: { connectionId: good, ok: true, at: new Date(now.getTime() - (RETENTION_HOURS + 1) * 3_600_000) },
    })
    await db.metricSample.create({ data: { connectionId: good, ok: true, at: new Date(now.getTime() - 60_000) } })
    await sampler.prune(now)
    expect(await samplesOf(good)).toHaveLength(1)
  })
})
