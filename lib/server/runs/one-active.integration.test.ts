import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { holdWrite, warmPool } from '@/lib/testing/concurrency'
import { ACTIVE_RUN } from './active'
import { cancelRun, rollbackRun, startRun } from './commands'
import { snapshotOf } from './content'
import { markRunApplied, retryRun } from './resolve'

// One run of a phase on an environment at a time, whoever asks and however many at once: exactly one
// request wins, the others hear which run is in the way, and the database holds one active run.

async function setup() {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const targetUrl = await createFreshDatabase('one_active_target', { migrate: false })
  const name = `env-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: false })
  const { id: connectionId } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'target',
      role: 'TARGET',
      url: `${targetUrl}?sslmode=disable`,
    }),
  )
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `One at a time ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  await addSqlStep(
    lead,
    ZAddSqlStep.parse({ phaseId, name: 'Create t', body: 'CREATE TABLE t (id int);', rollbackBody: 'DROP TABLE t;' }),
  )
  await addSqlStep(
    lead,
    ZAddSqlStep.parse({ phaseId, name: 'Create u', body: 'CREATE TABLE u (id int);', rollbackBody: 'DROP TABLE u;' }),
  )
  /** A run that failed at its first step after one of its statements was kept (so it has something to roll back), as the worker leaves one. */
  const failedRun = async () => {
    const [first, second] = await db.step.findMany({ where: { phaseId }, orderBy: { position: 'asc' } })
    if (!first || !second) throw new Error('the phase has two steps')
    return db.run.create({
      data: {
        planId,
        phaseId,
        environmentId,
        requestedById: lead.id,
        status: 'FAILED',
        error: 'Step “Create t” failed',
        finishedAt: new Date(),
        steps: {
          create: [
            { ...snapshotOf(first, 0), status: 'FAILED', statementsApplied: 1, statementsTotal: 2 },
            { ...snapshotOf(second, 1), status: 'PENDING' },
          ],
        },
      },
    })
  }
  const runsOfPhase = () => db.run.findMany({ where: { phaseId, environmentId }, select: { id: true, status: true } })
  return { dba, lead, name, planId, phaseId, environmentId, failedRun, runsOfPhase }
}

const refusedAsBusy = (environment: string) => ({
  code: 'CONFLICT',
  message: expect.stringMatching(
    new RegExp(
      `^A run of “Schema” on “${environment}” is already (queued|running|waiting|interrupted|rolling back)(; .+)?\\.$`,
    ),
  ),
})

/** Leaves nothing for a worker to claim: a queued run is cancelled, a rollback nobody holds ends. */
async function settle(lead: Awaited<ReturnType<typeof makeUser>>, runs: { id: string; status: string }[]) {
  for (const run of runs) if (run.status === 'QUEUED') await cancelRun(lead, run.id).catch(() => undefined)
  await db.run.updateMany({
    where: { id: { in: runs.map((r) => r.id) }, status: 'ROLLING_BACK', workerId: null },
    data: { status: 'ROLLBACK_FAILED', error: 'Ended by the test.', finishedAt: new Date() },
  })
}

describe('one active run per phase and environment', () => {
  it('five simultaneous starts of a phase, runs and dry runs, queue exactly one run; the others are told which run is in the way', async () => {
    const { lead, dba, name, planId, phaseId, environmentId, runsOfPhase } = await setup()
    await warmPool()
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        startRun(i % 2 ? dba : lead, { planId, phaseId, environmentId, dryRun: i % 3 === 0 }),
      ),
    )
    const runs = await runsOfPhase()
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(r.reason).toMatchObject(refusedAsBusy(name))
      expect(runs).toHaveLength(1)
      expect(await db.auditEvent.count({ where: { planId, action: 'run.start' } })).toBe(1)
    } finally {
      await settle(lead, runs)
    }
  })

  it('starts, a retry and a rollback of failed runs of the phase, all at once: exactly one makes a run active', async () => {
    const { lead, dba, name, planId, phaseId, environmentId, failedRun, runsOfPhase } = await setup()
    const [retried, rolledBack] = [await failedRun(), await failedRun()]
    await warmPool()
    const results = await Promise.allSettled([
      startRun(lead, { planId, phaseId, environmentId, dryRun: false }),
      retryRun(dba, retried.id),
      startRun(dba, { planId, phaseId, environmentId, dryRun: true }),
      rollbackRun(dba, rolledBack.id),
      startRun(lead, { planId, phaseId, environmentId, dryRun: false }),
    ])
    const runs = await runsOfPhase()
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(r.reason).toMatchObject(refusedAsBusy(name))
      // Whatever won – a new run, the retry or the rollback – it is the only run that left where it was.
      const moved = runs.filter((r) => (r.id === retried.id || r.id === rolledBack.id ? r.status !== 'FAILED' : true))
      expect(moved).toHaveLength(1)
      expect(runs.filter((r) => (ACTIVE_RUN as readonly string[]).includes(r.status)).length).toBeLessThanOrEqual(1)
      expect(
        await db.auditEvent.count({ where: { planId, action: { in: ['run.start', 'run.retry', 'run.rollback'] } } }),
      ).toBe(1)
    } finally {
      await settle(lead, runs)
    }
  })

  it('a retry whose check ran before another run of the phase was committed is refused by the database, with the same message', async () => {
    const { lead, dba, name, planId, phaseId, environmentId, failedRun, runsOfPhase } = await setup()
    const failed = await failedRun()
    const held = await holdWrite(
      `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "requestedById", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, 'QUEUED', $4, now())`,
      [planId, phaseId, environmentId, lead.id],
    )
    const result = await held.whileHeld(() => retryRun(dba, failed.id))
    const runs = await runsOfPhase()
    try {
      expect(result).toMatchObject({ status: 'rejected', reason: refusedAsBusy(name) })
      expect(result.status === 'rejected' && (result.reason as Error).message).toMatch(
        /; retry this one once it has ended\.$/,
      )
      expect(runs.find((r) => r.id === failed.id)?.status).toBe('FAILED')
      expect(runs.filter((r) => (ACTIVE_RUN as readonly string[]).includes(r.status))).toHaveLength(1)
    } finally {
      await settle(lead, runs)
    }
  })

  it('refuses a retry, a rollback or a step marked applied while another run of the phase is active, naming it', async () => {
    const { lead, dba, name, planId, phaseId, environmentId, failedRun } = await setup()
    const failed = await failedRun()
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    try {
      await expect(retryRun(dba, failed.id)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `A run of “Schema” on “${name}” is already queued; retry this one once it has ended.`,
      })
      await expect(rollbackRun(dba, failed.id)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `A run of “Schema” on “${name}” is already queued; roll this one back once it has ended.`,
      })
      // Marking its step applied would queue it again for its next step.
      await expect(markRunApplied(dba, { runId: failed.id, note: 'applied by hand' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `A run of “Schema” on “${name}” is already queued; mark this one’s step applied once it has ended.`,
      })
      expect((await db.run.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe('FAILED')
    } finally {
      await cancelRun(lead, id)
    }
    await rollbackRun(dba, failed.id)
    await settle(lead, [{ id: failed.id, status: 'ROLLING_BACK' }])
  })

  it('the database itself refuses a second active run, whatever writes it', async () => {
    const { lead, phaseId, failedRun } = await setup()
    const [a, b] = [await failedRun(), await failedRun()]
    await db.run.update({ where: { id: a.id }, data: { status: 'WAITING' } })
    try {
      await expect(db.run.update({ where: { id: b.id }, data: { status: 'INTERRUPTED' } })).rejects.toMatchObject({
        code: 'P2002',
      })
      expect(await db.run.count({ where: { phaseId, status: { in: [...ACTIVE_RUN] } } })).toBe(1)
    } finally {
      await cancelRun(lead, a.id)
    }
  })
})
