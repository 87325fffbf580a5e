import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { startWorkerProcess, until } from '@/lib/testing/worker-process'

// Real worker processes (`npm run worker`'s entry point) against a database of their own, so that they
// claim only this file's runs: one is killed with SIGKILL mid-run, and two share one target.

const appUrl = await createFreshDatabase('worker_app', { migrate: true })
exportEnv({ DATABASE_URL: appUrl })
const {
  db,
  makeUser,
  createConnection,
  createEnvironment,
  ZConnection,
  setPlanEnvironment,
  createPlan,
  addPhase,
  addObserveStep,
  addSqlStep,
  ZAddObserveStep,
  ZAddPhase,
  ZAddSqlStep,
  ZCreatePlan,
  cancelRun,
  startRun,
} = await import('@/lib/testing/engine-api')

const workers: ChildProcess[] = []
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL')
  await db.$disconnect()
})

const startWorker = () => startWorkerProcess({ DATABASE_URL: appUrl }, workers)

async function setup(phases: { name: string; steps: { name: string; body: string }[] }[]) {
  const lead = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const targetUrl = await createFreshDatabase('worker_target', { migrate: false })
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
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Workers ${name}` }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  const phaseIds: string[] = []
  for (const phase of phases) {
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: phase.name }))
    for (const step of phase.steps) await addSqlStep(lead, ZAddSqlStep.parse({ phaseId, ...step }))
    phaseIds.push(phaseId)
  }
  const target = <R extends pg.QueryResultRow>(sql: string) => queryDatabase<R>(targetUrl, sql)
  await target('CREATE TABLE applied (step text, n int, at timestamptz DEFAULT clock_timestamp())')
  const watch = async (minutes: string) => {
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Watch' }))
    await addObserveStep(lead, ZAddObserveStep.parse({ phaseId, name: 'Watch the target', minutes, rollback: 'offer' }))
    return phaseId
  }
  return { lead, environmentId, planId, phaseIds, target, watch }
}

const finished = (runId: string) =>
  until(`run ${runId} to end`, async () => {
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) && run
  })

describe('worker processes', () => {
  it('one worker carries an observation and another run side by side', async () => {
    const { lead, environmentId, planId, phaseIds, target, watch } = await setup([
      { name: 'Apply', steps: [{ name: 'Mark', body: "INSERT INTO applied (step, n) VALUES ('apply', 1);" }] },
    ])
    const watchPhase = await watch('1')
    const spawned = new Date()
    const worker = startWorker()
    await until(
      'the worker to start',
      async () => (await db.workerHeartbeat.count({ where: { startedAt: { gte: spawned } } })) >= 1,
      60_000,
    )
    const observing = await startRun(lead, { planId, phaseId: watchPhase, environmentId, dryRun: false })
    await until(
      'the observation to start',
      async () => (await db.stepRun.findFirst({ where: { runId: observing.id, status: 'RUNNING' } })) !== null,
    )
    const applying = await startRun(lead, { planId, phaseId: phaseIds[0] ?? '', environmentId, dryRun: false })
    expect((await finished(applying.id)).status).toBe('SUCCEEDED')
    expect(await target('SELECT step FROM applied')).toEqual([{ step: 'apply' }])
    expect((await db.run.findUniqueOrThrow({ where: { id: observing.id } })).status).toBe('RUNNING') // still watching
    await cancelRun(lead, observing.id)
    expect((await finished(observing.id)).status).toBe('CANCELLED')
    worker.process.kill('SIGKILL') // nothing of this file's other tests is for it to claim
  }, 120_000)

  it('kill -9 mid-run: a new worker finds the run INTERRUPTED, resumes it, and every statement is applied exactly once', async () => {
    const { lead, environmentId, planId, phaseIds, target } = await setup([
      {
        name: 'Migrate',
        steps: [
          { name: 'First', body: "INSERT INTO applied (step, n) VALUES ('first', 1);" },
          // Statement by statement (it builds an index concurrently), with progress recorded after each.
          {
            name: 'Concurrent',
            body: "INSERT INTO applied (step, n) VALUES ('concurrent', 1);\nSELECT pg_sleep(2);\nINSERT INTO applied (step, n) VALUES ('concurrent', 2);\nCREATE INDEX CONCURRENTLY applied_n ON applied (n);\nINSERT INTO applied (step, n) VALUES ('concurrent', 3);",
          },
          { name: 'Last', body: "INSERT INTO applied (step, n) VALUES ('last', 1);" },
        ],
      },
    ])
    const first = startWorker()
    const { id } = await startRun(lead, { planId, phaseId: phaseIds[0] ?? '', environmentId, dryRun: false })
    // Kill the worker while the second script sleeps after its first statement.
    await until(
      'the second script to start',
      async () =>
        (await target<{ n: number }>("SELECT count(*)::int AS n FROM applied WHERE step = 'concurrent'"))[0]?.n === 1,
      30_000,
    )
    await new Promise((r) => setTimeout(r, 300))
    first.process.kill('SIGKILL')
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('RUNNING')

    const second = startWorker()
    const run = await finished(id)
    expect(run.status, second.output()).toBe('SUCCEEDED')
    const log = (await db.runEvent.findMany({ where: { runId: id }, orderBy: { id: 'asc' } })).map((e) => e.message)
    expect(log).toContainEqual(expect.stringContaining('interrupted and resumes from its first unfinished step'))
    expect(log).toContainEqual(expect.stringContaining('resuming at statement 2'))
    expect(await target('SELECT step, n FROM applied ORDER BY at')).toEqual([
      { step: 'first', n: 1 },
      { step: 'concurrent', n: 1 },
      { step: 'concurrent', n: 2 },
      { step: 'concurrent', n: 3 },
      { step: 'last', n: 1 },
    ])
    expect(
      await target(
        'SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success AND statements_applied = statements_total',
      ),
    ).toEqual([{ n: 3 }])
    // No session is left holding Lockstep's lock on the target.
    expect(
      await target(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      ),
    ).toEqual([{ n: 0 }])
    second.process.kill('SIGTERM')
  }, 120_000)

  it('two workers, two runs on one target: the second waits for the first to finish, they never overlap', async () => {
    const step = (phase: string) => [
      { name: 'Begin', body: `INSERT INTO applied (step, n) VALUES ('${phase}', 1);\nSELECT pg_sleep(1.5);` },
      { name: 'End', body: `SELECT pg_sleep(1.5);\nINSERT INTO applied (step, n) VALUES ('${phase}', 2);` },
    ]
    const { lead, environmentId, planId, phaseIds, target } = await setup([
      { name: 'A', steps: step('a') },
      { name: 'B', steps: step('b') },
    ])
    const spawned = new Date()
    startWorker()
    startWorker()
    // Both workers are up (each polls for runs every second) before the runs are queued.
    await until(
      'both workers to start',
      async () => (await db.workerHeartbeat.count({ where: { startedAt: { gte: spawned } } })) >= 2,
      60_000,
    )
    const runs = [
      await startRun(lead, { planId, phaseId: phaseIds[0] ?? '', environmentId, dryRun: false }),
      await startRun(lead, { planId, phaseId: phaseIds[1] ?? '', environmentId, dryRun: false }),
    ]
    for (const { id } of runs) expect((await finished(id)).status).toBe('SUCCEEDED')
    const rows = await target<{ step: string; n: number }>('SELECT step, n FROM applied ORDER BY at')
    // Each run's start and end are next to each other: nothing of one ran between the other's.
    expect(rows.map((r) => `${r.step}${r.n}`).join(' ')).toMatch(/^(a1 a2 b1 b2|b1 b2 a1 a2)$/)
    const waited = await db.runEvent.findMany({
      where: { runId: { in: runs.map((r) => r.id) }, message: { startsWith: 'Waiting for another run' } },
    })
    expect(waited.length).toBeGreaterThanOrEqual(1) // both were in flight at once, one behind the other
  }, 120_000)
})
