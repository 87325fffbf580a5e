import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { evaluateHealth } from '@/lib/domain/health'
import { executeRollback, executeRun } from '@/lib/engine/runs'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { signalBackend } from '@/lib/server/monitoring/commands'
import { getConnectionMonitor, getRunMonitor } from '@/lib/server/monitoring/queries'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { addTrigger } from '@/lib/server/plans/register-commands'
import { ZAddObserveStep, ZAddPhase, ZAddSqlStep, ZAddTrigger, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addObserveStep, addSqlStep } from '@/lib/server/plans/step-commands'
import { startRun } from '@/lib/server/runs/commands'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { createSampler } from './sampler'
import type { PostgresSampleData } from '@/lib/domain/monitor-sample'
import { loadSeries } from '@/lib/server/monitoring/series'

// Rollback triggers evaluated live on real samples: a trigger on rollbacks per second fires while a load
// of failing transactions runs and not before; an observe step fails on it (and starts the rollback when
// it says so) or passes a quiet observation; DBAs cancel/terminate a blocking session from the lock table.

// The worker's interval: PostgreSQL publishes a busy backend's counters about once a second, so shorter
// intervals would see bursts and gaps rather than a rate.
const environments: string[] = [] // this file's: other files' connections are theirs to sample
const sampler = createSampler({ environmentIds: () => environments })
const clients: pg.Client[] = []
afterAll(async () => {
  await sampler.stop()
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
})

async function connect(url: string) {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => undefined)
  await client.connect()
  clients.push(client)
  return client
}

/** Ticks the sampler in the background, as the worker does, until stopped. */
function sampling() {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    void sampler.tick().finally(() => (busy = false))
  }, 100)
  return () => clearInterval(timer)
}

/**
 * Failing transactions – inserts refused by a unique key – as fast as one session sends them, for `ms`.
 * (They write before failing; PostgreSQL 15 publishes the counts of a busy session's transactions that
 * wrote nothing only once it goes idle, so a loop of `SELECT 1/0` would show up late.)
 */
async function failingLoad(client: pg.Client, ms: number) {
  await client.query(
    'CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1) ON CONFLICT DO NOTHING',
  )
  const end = Date.now() + ms
  while (Date.now() < end) await client.query('INSERT INTO orders VALUES (1)').catch(() => undefined)
}

async function setup(observe?: {
  minutes: string
  rollback: 'offer' | 'start'
  after?: { body: string; rollbackBody: string }
}) {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const url = await createFreshDatabase('triggers', { migrate: false })
  const { id: environmentId } = await createEnvironment(dba, {
    name: `watched-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  environments.push(environmentId)
  const { id: connectionId } = await createConnection(
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
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Triggers ${randomUUID().slice(0, 8)}` }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  await addTrigger(
    lead,
    ZAddTrigger.parse({
      planId,
      text: 'Transactions fail',
      metric: 'rollbacks_per_second',
      comparator: 'GT',
      threshold: '20',
      sustainedSeconds: '1',
    }),
  )
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cutover' }))
  if (observe?.after) await addSqlStep(lead, ZAddSqlStep.parse({ phaseId, name: 'Switch', ...observe.after }))
  if (observe)
    await addObserveStep(
      lead,
      ZAddObserveStep.parse({
        phaseId,
        name: 'Watch the target',
        minutes: observe.minutes,
        rollback: observe.rollback,
      }),
    )
  const triggers = await db.rollbackTrigger.findMany({ where: { planId } })
  return { dba, lead, url, environmentId, connectionId, planId, phaseId, triggers }
}

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('rollback triggers on live samples', () => {
  it('fire on rollbacks per second while failing transactions run, and not before', async () => {
    const { dba, url, connectionId, triggers } = await setup()
    await db.connection.update({ where: { id: connectionId }, data: { watchedUntil: new Date(Date.now() + 60_000) } })
    const stop = sampling()
    const load = await connect(url)
    try {
      const quietFrom = new Date()
      await until(
        async () =>
          (await loadSeries(connectionId, quietFrom)).filter((p) => p.values.rollbacks_per_second !== undefined)
            .length >= 3,
      )
      const quiet = evaluateHealth(triggers, await loadSeries(connectionId, quietFrom))
      expect(quiet.health).toBe('HEALTHY')
      expect(quiet.triggers).toMatchObject([{ state: 'OK', firedAt: null }])

      const loadFrom = Date.now()
      await failingLoad(load, 6_000)
      await until(
        async () => evaluateHealth(triggers, await loadSeries(connectionId, quietFrom)).health === 'FAILING',
        5_000,
      )
      const series = await loadSeries(connectionId, quietFrom)
      const report = evaluateHealth(triggers, series)
      expect(report.triggers[0]?.state).toBe('FIRING')
      // It fired during the load, after the condition had held for its second, and never on the quiet samples before.
      const firedAt = Date.parse(report.triggers[0]?.firedAt ?? '')
      expect(firedAt).toBeGreaterThanOrEqual(loadFrom + 1_000)
      expect(series.filter((p) => p.at < loadFrom).every((p) => (p.values.rollbacks_per_second ?? 0) <= 20)).toBe(true)

      // The connection's view says the same, with the evidence.
      const view = await getConnectionMonitor(dba, connectionId, 5)
      expect(view.health.health).toBe('FAILING')
      expect(view.health.reasons[0]).toMatch(
        /“.*Transactions fail” fired at \d\d:\d\d:\d\d: rollbacks per second [\d,.]+ \/s \(rollbacks_per_second > 20 for 1 s\)/,
      )
      expect(view.points.some((p) => (p.values.error_rate_percent ?? 0) > 50)).toBe(true)
    } finally {
      stop()
    }
  })

  it('fail an observe step, which starts the rollback when it says so; a quiet observation passes', async () => {
    const failing = await setup({
      minutes: '0.25',
      rollback: 'start',
      after: { body: 'CREATE TABLE switched (id int);', rollbackBody: 'DROP TABLE switched;' },
    })
    const stop = sampling()
    try {
      const { id: runId } = await startRun(failing.lead, {
        planId: failing.planId,
        phaseId: failing.phaseId,
        environmentId: failing.environmentId,
        dryRun: false,
      })
      await db.run.update({
        where: { id: runId },
        data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() },
      })
      const load = await connect(failing.url)
      const outcome = executeRun(runId)
      await until(async () => !!(await db.stepRun.findFirst({ where: { runId, status: 'RUNNING' } })))
      await failingLoad(load, 7_000)
      expect(await outcome).toBe('FAILED')
      const steps = await db.stepRun.findMany({ where: { runId }, orderBy: { position: 'asc' } })
      expect(steps.map((st) => st.status)).toEqual(['SUCCEEDED', 'FAILED'])
      expect(steps[1]?.error).toMatch(
        /^A rollback trigger fired – “Transactions fail” fired at \d\d:\d\d:\d\d UTC: [\d,.]+ \/s \(rollbacks_per_second > 20 for 1 s\)\.$/,
      )
      const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
      expect(run.status).toBe('ROLLING_BACK') // straight from RUNNING: never FAILED for a person to act on meanwhile
      expect((await db.runEvent.findMany({ where: { runId } })).map((e) => e.message)).toContainEqual(
        expect.stringMatching(/Rollback started, as the step asks when a rollback trigger fires\.$/),
      )
      expect(await executeRollback(runId)).toBe('ROLLED_BACK') // what a worker does with it
      expect((await load.query("SELECT to_regclass('switched') AS t")).rows).toEqual([{ t: null }])

      const figures = await getRunMonitor(failing.lead, runId)
      expect(figures.run?.observe).toMatchObject({ stepName: 'Watch the target', health: 'FAILING', seconds: 15 })

      const quiet = await setup({ minutes: '0.1', rollback: 'offer' })
      const { id: quietRun } = await startRun(quiet.lead, {
        planId: quiet.planId,
        phaseId: quiet.phaseId,
        environmentId: quiet.environmentId,
        dryRun: false,
      })
      await db.run.update({
        where: { id: quietRun },
        data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() },
      })
      expect(await executeRun(quietRun)).toBe('SUCCEEDED')
      const events = (await db.runEvent.findMany({ where: { runId: quietRun } })).map((e) => e.message)
      expect(events).toContainEqual(
        expect.stringMatching(
          /^Step “Watch the target” observed the target for 6 s \(\d+ samples\): no rollback trigger fired\.$/,
        ),
      )
    } finally {
      stop()
    }
  }, 60_000)
})

describe('the lock table', () => {
  it('shows who blocks whom, hides statements from stakeholders, and lets a DBA terminate the blocker after typing the confirmation', async () => {
    const { dba, lead, url, connectionId, planId, phaseId, environmentId } = await setup({
      minutes: '1',
      rollback: 'offer',
    })
    const holder = await connect(url)
    const waiter = await connect(url)
    await holder.query('CREATE TABLE accounts (id int PRIMARY KEY)')
    await holder.query('BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE')
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number
    const waiting = waiter.query('SELECT count(*) FROM accounts')
    await db.connection.update({ where: { id: connectionId }, data: { watchedUntil: new Date(Date.now() + 60_000) } })
    await until(async () => {
      await sampler.tick()
      const latest = await db.metricSample.findFirst({ where: { connectionId, ok: true }, orderBy: { id: 'desc' } })
      return !!(latest?.data as PostgresSampleData | undefined)?.sample.blocked.length
    })
    const view = await getConnectionMonitor(dba, connectionId, 5)
    expect(view.canSignal).toBe(true)
    expect(view.current?.kind === 'postgres' && view.current.sample.blocked).toEqual([
      expect.objectContaining({ blockingPid: holderPid, blockedQuery: 'SELECT count(*) FROM accounts' }),
    ])

    // A stakeholder follows the run's view: the same table without the statements, and no controls.
    const stakeholder = await makeUser('STAKEHOLDER')
    const { id: runId } = await startRun(lead, { planId, phaseId, environmentId, dryRun: true })
    await db.run.update({ where: { id: runId }, data: { status: 'CANCELLED' } }) // never for a worker to pick up
    const seen = await getRunMonitor(stakeholder, runId)
    expect(seen.canSignal).toBe(false)
    expect(seen.current?.kind === 'postgres' && seen.current.sample.blocked[0]?.blockedQuery).toMatch(/hidden/)
    await expect(getConnectionMonitor(stakeholder, connectionId, 5)).rejects.toThrow('permission')

    await expect(
      signalBackend(lead, { connectionId, pid: holderPid, signal: 'terminate', confirm: `terminate ${holderPid}` }),
    ).rejects.toThrow('permission')
    await expect(
      signalBackend(dba, { connectionId, pid: holderPid, signal: 'terminate', confirm: 'terminate' }),
    ).rejects.toThrow(`Type “terminate ${holderPid}” to confirm.`)
    expect((await holder.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }])

    const outcome = await signalBackend(dba, {
      connectionId,
      pid: holderPid,
      signal: 'terminate',
      confirm: `terminate ${holderPid}`,
    })
    expect(outcome).toMatchObject({ signalled: true, message: `Session ${holderPid} was terminated.` })
    expect((await waiting).rows).toEqual([{ count: '0' }]) // the lock is gone with its session
    expect(await auditEventsFor(connectionId)).toContainEqual(
      expect.objectContaining({
        action: 'session.terminate',
        actorId: dba.id,
        after: expect.objectContaining({ pid: holderPid, signalled: true }),
      }),
    )
    await expect(
      signalBackend(dba, { connectionId, pid: holderPid, signal: 'cancel', confirm: `cancel ${holderPid}` }),
    ).rejects.toThrow(`Session ${holderPid} is no longer connected`)
  })
})
