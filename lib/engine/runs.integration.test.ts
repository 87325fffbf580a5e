import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { cancelRun, rollbackRun, startRun } from '@/lib/server/runs/commands'
import { approveWindow, cancelWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { claimRollback, claimRun, executeRollback, executeRun, markInterrupted } from './runs'

async function setup(options: { protected?: boolean; steps: { name: string; body: string; rollbackBody?: string }[] }) {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const targetUrl = await createFreshDatabase('run_target', { migrate: false })
  const name = `env-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: !!options.protected })
  const { id: connectionId } = await createConnection(dba, ZConnection.parse({ environmentId, engine: 'POSTGRES', name: 'target', role: 'TARGET', url: `${targetUrl}?sslmode=disable` }))
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Run ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  await db.step.createMany({ data: options.steps.map((s, position) => ({ planId, phaseId, position, kind: 'SQL' as const, name: s.name, body: s.body, rollbackBody: s.rollbackBody ?? null, isDraft: false })) })
  const target = async (sql: string) => {
    const client = new pg.Client({ connectionString: targetUrl })
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }
  return { dba, lead, name, environmentId, planId, phaseId, target }
}

/** What a worker does with the oldest queued run: claim it, then execute it. */
async function work(worker = 'test-worker') {
  const runId = await claimRun(worker)
  if (!runId) throw new Error('nothing to claim')
  return { runId, status: await executeRun(runId) }
}

describe('runs', () => {
  it('queue in the action, run in the worker, and record every step on the target', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'Create orders', body: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nINSERT INTO orders VALUES (1, NULL);' },
        { name: 'Index status', body: 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);' },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('QUEUED')
    expect(await target("SELECT to_regclass('orders') AS t")).toEqual([{ t: null }]) // nothing ran in the request
    const { runId, status } = await work()
    expect([runId, status]).toEqual([id, 'SUCCEEDED'])
    expect((await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })).map((s) => [s.status, s.statementsApplied])).toEqual([
      ['SUCCEEDED', 2],
      ['SUCCEEDED', 1],
    ])
    expect((await target('SELECT count(*)::int AS n FROM lockstep_schema_history WHERE success'))[0]?.n).toBe(2)
    const log = (await db.runEvent.findMany({ where: { runId: id }, orderBy: { id: 'asc' } })).map((e) => e.message)
    expect(log[0]).toMatch(/^Run of “Schema” on “env-.*” queued by Test LEAD\.$/)
    expect(log.at(-1)).toBe('Run succeeded.')
  })

  it('stop at a failing step, leaving its transaction undone; a DBA then has the run rolled back', async () => {
    const { dba, lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'Good', body: 'CREATE TABLE g (id int);', rollbackBody: 'DROP TABLE IF EXISTS g;' },
        { name: 'Bad', body: 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSELECT 1 / 0;', rollbackBody: 'DROP TABLE IF EXISTS a;' },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('FAILED')
    expect(await db.run.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'FAILED', error: 'Step “Bad” failed: division by zero' })
    expect(await target("SELECT to_regclass('a')::text AS a, to_regclass('g')::text AS g")).toEqual([{ a: null, g: 'g' }])
    await expect(rollbackRun(lead, id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await rollbackRun(dba, id)
    expect(await claimRollback('test-worker')).toBe(id)
    expect(await executeRollback(id)).toBe('ROLLED_BACK')
    expect(await db.run.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ROLLED_BACK' })
    expect((await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })).map((s) => s.status)).toEqual(['ROLLED_BACK', 'ROLLED_BACK'])
    expect(await target("SELECT to_regclass('g')::text AS g")).toEqual([{ g: null }])
    expect((await target('SELECT count(*)::int AS n FROM lockstep_schema_history WHERE rolled_back_at IS NOT NULL'))[0]?.n).toBe(2)
  })

  it('on a protected environment: refused without an open window, by the action and again by the worker', async () => {
    const { dba, lead, name, environmentId, planId, phaseId } = await setup({ protected: true, steps: [{ name: 'One', body: 'SELECT 1;' }] })
    await expect(startRun(lead, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is protected') })
    const window = await requestWindow(lead, ZRequestWindow.parse({ environmentId, planId, reason: 'go', startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() }))
    await approveWindow(dba, { windowId: window.id, note: '', confirm: name })
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    await cancelWindow(dba, window.id) // the window closes before a worker gets to the run
    expect((await work()).status).toBe('FAILED')
    expect((await db.run.findUniqueOrThrow({ where: { id } })).error).toContain('is protected')
  })

  it('can be cancelled while queued; a run held by a vanished worker becomes INTERRUPTED and resumes', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({ steps: [{ name: 'A', body: 'CREATE TABLE t1 (id int);' }, { name: 'B', body: 'CREATE TABLE t2 (id int);' }] })
    const first = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    await cancelRun(lead, first.id)
    expect((await db.run.findUniqueOrThrow({ where: { id: first.id } })).status).toBe('CANCELLED')

    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    // A worker claims it, finishes step A, and dies (no heartbeat row): simulated by doing step A by hand.
    expect(await claimRun('ghost-worker')).toBe(id)
    const [a] = await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })
    await target('CREATE TABLE t1 (id int)')
    await db.stepRun.update({ where: { id: a?.id }, data: { status: 'SUCCEEDED', statementsApplied: 1, statementsTotal: 1 } })
    expect(await markInterrupted(5_000)).toBeGreaterThanOrEqual(1)
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('INTERRUPTED')
    const resumed = await work('new-worker')
    expect(resumed).toEqual({ runId: id, status: 'SUCCEEDED' })
    expect(await target("SELECT to_regclass('t1')::text AS a, to_regclass('t2')::text AS b")).toEqual([{ a: 't1', b: 't2' }])
  })
})
