import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddManualStep, ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addManualStep, addSqlStep } from '@/lib/server/plans/step-commands'
import { cancelRun, rollbackRun, startRun as startAnyRun } from '@/lib/server/runs/commands'
import { getRun } from '@/lib/server/runs/queries'
import { markRunApplied, markRunRolledBack, releaseGate, retryRun } from '@/lib/server/runs/resolve'
import { addItem, setItemDone } from '@/lib/server/plans/checklist-commands'
import { editSqlStep, overrideLint, removeStep } from '@/lib/server/plans/step-commands'
import { previewLint } from '@/lib/server/plans/lint'
import { ZAddItem, ZEditSqlStep } from '@/lib/server/plans/schemas'
import { auditEventsFor } from '@/lib/testing/factories'
import { cancelWindow } from '@/lib/server/windows/commands'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { claimRollback, claimRun, executeRollback, executeRun, markInterrupted } from './runs'
import { ownRuns } from '@/lib/testing/own-runs'
import { openWindowNow } from '@/lib/testing/plan-setup'

// This file's runs only: other files' runs in the shared database are theirs to claim.
const own = ownRuns()
const startRun = async (...args: Parameters<typeof startAnyRun>) => own.track(await startAnyRun(...args))

type StepSpec =
  { name: string; body: string; rollbackBody?: string } | { name: string; gate: true; requireChecklist?: boolean }

async function setup(options: { protected?: boolean; steps: StepSpec[]; targetUrl?: string }) {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const targetUrl = options.targetUrl ?? (await createFreshDatabase('run_target', { migrate: false }))
  const name = `env-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: !!options.protected })
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
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Run ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  for (const s of options.steps) {
    if ('gate' in s)
      await addManualStep(
        lead,
        ZAddManualStep.parse({ phaseId, name: s.name, requireChecklist: s.requireChecklist ? 'on' : '' }),
      )
    else
      await addSqlStep(
        lead,
        ZAddSqlStep.parse({ phaseId, name: s.name, body: s.body, rollbackBody: s.rollbackBody ?? '' }),
      )
  }
  const target = (sql: string) => queryDatabase(targetUrl, sql)
  return { dba, lead, name, environmentId, planId, phaseId, target }
}

/** What a worker does with the oldest queued run: claim it, then execute it. */
async function work(worker = 'test-worker') {
  const runId = await own.claim(worker)
  if (!runId) throw new Error('nothing to claim')
  return { runId, status: await executeRun(runId) }
}

describe('runs', () => {
  it('queue in the action, run in the worker, and record every step on the target', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        {
          name: 'Create orders',
          body: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nINSERT INTO orders VALUES (1, NULL);',
        },
        { name: 'Index status', body: 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);' },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('QUEUED')
    expect(await target("SELECT to_regclass('orders') AS t")).toEqual([{ t: null }]) // nothing ran in the request
    const { runId, status } = await work()
    expect([runId, status]).toEqual([id, 'SUCCEEDED'])
    expect(
      (await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })).map((s) => [
        s.status,
        s.statementsApplied,
      ]),
    ).toEqual([
      ['SUCCEEDED', 2],
      ['SUCCEEDED', 1],
    ])
    expect((await target('SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success'))[0]?.n).toBe(2)
    const log = (await db.runEvent.findMany({ where: { runId: id }, orderBy: { id: 'asc' } })).map((e) => e.message)
    expect(log[0]).toMatch(/^Run of “Schema” on “env-.*” queued by Test LEAD\.$/)
    expect(log.at(-1)).toBe('Run succeeded.')
  })

  it("runs a step with its own BEGIN … COMMIT (Prisma's enum change) as written, and the target's history says so", async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        {
          name: 'Enum',
          body: `CREATE TYPE "Status" AS ENUM ('draft', 'live');\nCREATE TABLE "Post" ("id" int PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'draft');`,
        },
        {
          name: 'Drop draft',
          body: `-- AlterEnum\nBEGIN;\nCREATE TYPE "Status_new" AS ENUM ('live');\nALTER TABLE "Post" ALTER COLUMN "status" DROP DEFAULT;\nALTER TABLE "Post" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");\nALTER TYPE "Status" RENAME TO "Status_old";\nALTER TYPE "Status_new" RENAME TO "Status";\nDROP TYPE "Status_old";\nCOMMIT;`,
        },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('SUCCEEDED')
    expect(await target('SELECT transaction_mode FROM lockstep.schema_history ORDER BY started_at')).toEqual([
      { transaction_mode: 'lockstep' },
      { transaction_mode: 'script' },
    ])
    expect(await target(`SELECT enum_range(NULL::"Status")::text AS values`)).toEqual([{ values: '{live}' }])
    const log = (await db.runEvent.findMany({ where: { runId: id }, orderBy: { id: 'asc' } })).map((e) => e.message)
    expect(log).toContainEqual(
      expect.stringContaining("as written, in its own transactions (lines 2–9), without Lockstep's"),
    )
  })

  const rollbackOffer = (run: Awaited<ReturnType<typeof getRun>>) => ({
    status: run.status,
    canRollBack: run.canRollBack,
    canMarkRolledBack: run.canMarkRolledBack,
  })

  /** The run fails without changing anything: the page offers no rollback, and asking for one is refused. */
  async function expectNothingToRollBack({
    dba,
    lead,
    planId,
    phaseId,
    environmentId,
  }: Awaited<ReturnType<typeof setup>>) {
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    await work()
    expect(rollbackOffer(await getRun(dba, id))).toEqual({
      status: 'FAILED',
      canRollBack: false,
      canMarkRolledBack: true,
    })
    await expect(rollbackRun(dba, id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/nothing to roll back/),
    })
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('FAILED')
  }

  it('offer no rollback when the target refused the connection', async () => {
    // Nothing accepts connections on port 1: the run fails before anything ran.
    await expectNothingToRollBack(
      await setup({
        targetUrl: 'postgresql://nobody:secret@127.0.0.1:1/nowhere',
        steps: [{ name: 'Create', body: 'CREATE TABLE r (id int);', rollbackBody: 'DROP TABLE r;' }],
      }),
    )
  })

  it('offer no rollback when the only script failed inside its transaction', async () => {
    await expectNothingToRollBack(
      await setup({
        steps: [{ name: 'Bad', body: 'CREATE TABLE a (id int);\nSELECT 1 / 0;', rollbackBody: 'DROP TABLE a;' }],
      }),
    )
  })

  it('offer the rollback once a step with a rollback script changed the target', async () => {
    const { dba, lead, planId, phaseId, environmentId } = await setup({
      steps: [
        { name: 'Good', body: 'CREATE TABLE g (id int);', rollbackBody: 'DROP TABLE g;' },
        { name: 'Bad', body: 'SELECT 1 / 0;', rollbackBody: 'SELECT 1;' },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    await work()
    expect(rollbackOffer(await getRun(dba, id))).toEqual({
      status: 'FAILED',
      canRollBack: true,
      canMarkRolledBack: true,
    })
    await rollbackRun(dba, id)
    expect(await claimRollback('test-worker')).toBe(id)
    expect(await executeRollback(id)).toBe('ROLLED_BACK')
  })

  it('stop at a failing step, leaving its transaction undone; a DBA then has the run rolled back', async () => {
    const { dba, lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'Good', body: 'CREATE TABLE g (id int);', rollbackBody: 'DROP TABLE IF EXISTS g;' },
        {
          name: 'Bad',
          body: 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSELECT 1 / 0;',
          rollbackBody: 'DROP TABLE IF EXISTS a;',
        },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('FAILED')
    expect(await db.run.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'FAILED',
      error: 'Step “Bad” failed: line 3: division by zero',
    })
    expect(await target("SELECT to_regclass('a')::text AS a, to_regclass('g')::text AS g")).toEqual([
      { a: null, g: 'g' },
    ])
    await expect(rollbackRun(lead, id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await rollbackRun(dba, id)
    expect(await claimRollback('test-worker')).toBe(id)
    expect(await executeRollback(id)).toBe('ROLLED_BACK')
    expect(await db.run.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ROLLED_BACK' })
    expect(
      (await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })).map((s) => s.status),
    ).toEqual(['ROLLED_BACK', 'ROLLED_BACK'])
    expect(await target("SELECT to_regclass('g')::text AS g")).toEqual([{ g: null }])
    expect(
      (await target('SELECT count(*)::int AS n FROM lockstep.schema_history WHERE rolled_back_at IS NOT NULL'))[0]?.n,
    ).toBe(2)
  })

  it('on a protected environment: refused without an open window, by the action and again by the worker', async () => {
    const { dba, lead, name, environmentId, planId, phaseId } = await setup({
      protected: true,
      steps: [{ name: 'One', body: 'SELECT 1;' }],
    })
    await expect(startRun(lead, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('is protected'),
    })
    const windowId = await openWindowNow(lead, dba, { environmentId, environmentName: name, planId })
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    await cancelWindow(dba, windowId) // the window closes before a worker gets to the run
    expect((await work()).status).toBe('FAILED')
    expect((await db.run.findUniqueOrThrow({ where: { id } })).error).toContain('is protected')
  })

  it('can be cancelled while queued; a run held by a vanished worker becomes INTERRUPTED and resumes', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'A', body: 'CREATE TABLE t1 (id int);' },
        { name: 'B', body: 'CREATE TABLE t2 (id int);' },
      ],
    })
    const first = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    await cancelRun(lead, first.id)
    expect((await db.run.findUniqueOrThrow({ where: { id: first.id } })).status).toBe('CANCELLED')

    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    // A worker claims it, finishes step A, and dies (no heartbeat row): simulated by doing step A by hand.
    expect(await claimRun('ghost-worker')).toBe(id)
    const [a] = await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })
    await target('CREATE TABLE t1 (id int)')
    await db.stepRun.update({
      where: { id: a?.id },
      data: { status: 'SUCCEEDED', statementsApplied: 1, statementsTotal: 1 },
    })
    expect(await markInterrupted(5_000)).toBeGreaterThanOrEqual(1)
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('INTERRUPTED')
    const resumed = await work('new-worker')
    expect(resumed).toEqual({ runId: id, status: 'SUCCEEDED' })
    expect(await target("SELECT to_regclass('t1')::text AS a, to_regclass('t2')::text AS b")).toEqual([
      { a: 't1', b: 't2' },
    ])
  })

  it('stops at a manual gate until a person releases it, once the required checklist items are done', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'Before', body: 'CREATE TABLE before_gate (id int);' },
        { name: 'Sign-off', gate: true, requireChecklist: true },
        { name: 'After', body: 'CREATE TABLE after_gate (id int);' },
      ],
    })
    const { id: itemId } = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Backups verified', isRequired: 'on' }))
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('WAITING')
    expect(await db.run.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'WAITING', workerId: null })
    expect(await claimRun('another-worker')).toBeNull() // nobody picks a waiting run up
    expect(await target("SELECT to_regclass('before_gate')::text AS b, to_regclass('after_gate')::text AS a")).toEqual([
      { b: 'before_gate', a: null },
    ])
    await expect(releaseGate(lead, id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('“Backups verified”'),
    })
    await setItemDone(lead, { itemId, done: true })
    await releaseGate(lead, id)
    expect(await auditEventsFor(id)).toContainEqual(expect.objectContaining({ action: 'run.gate.release' }))
    expect((await work()).status).toBe('SUCCEEDED')
    expect(
      (await db.stepRun.findMany({ where: { runId: id }, orderBy: { position: 'asc' } })).map((s) => s.status),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'])
    expect(await target("SELECT to_regclass('after_gate')::text AS a")).toEqual([{ a: 'after_gate' }])
  })

  it('cancels the statement running on the target (pg_cancel_backend of the recorded backend)', async () => {
    const { lead, environmentId, planId, phaseId, target } = await setup({
      steps: [{ name: 'Slow', body: 'CREATE TABLE slow (id int);\nSELECT pg_sleep(60);' }],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    const running = work()
    let stepRun = await db.stepRun.findFirstOrThrow({ where: { runId: id } })
    for (let i = 0; i < 100 && !stepRun.currentStatement?.includes('pg_sleep'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      stepRun = await db.stepRun.findFirstOrThrow({ where: { runId: id } })
    }
    expect(stepRun.currentStatement).toContain('pg_sleep')
    expect(stepRun.backendPid).toBeGreaterThan(0)
    const started = Date.now()
    await cancelRun(lead, id)
    expect((await running).status).toBe('CANCELLED')
    expect(Date.now() - started).toBeLessThan(10_000) // not the 60 s of the statement
    expect(await target("SELECT to_regclass('slow')::text AS t")).toEqual([{ t: null }])
    expect(
      await target(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
      ),
    ).toEqual([{ n: 0 }])
    expect(await db.stepRun.findFirstOrThrow({ where: { runId: id } })).toMatchObject({
      status: 'CANCELLED',
      backendPid: null,
      currentStatement: null,
    })
  })

  it('a DBA retries a failed statement-by-statement script: it goes on from its first unapplied statement', async () => {
    const { dba, lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        {
          name: 'Backfill',
          body: 'CREATE TABLE log (n int);\nINSERT INTO log VALUES (1);\nCREATE INDEX CONCURRENTLY log_n ON log (n);\nINSERT INTO missing VALUES (2);\nINSERT INTO log VALUES (3);',
        },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('FAILED')
    expect((await db.stepRun.findFirstOrThrow({ where: { runId: id } })).statementsApplied).toBe(3)
    // Another run of the phase is refused on the target until someone decides.
    await target('CREATE TABLE missing (n int)')
    await expect(retryRun(lead, id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await retryRun(dba, id)
    expect((await work()).status).toBe('SUCCEEDED')
    expect(await target('SELECT n FROM log ORDER BY n')).toEqual([{ n: 1 }, { n: 3 }])
    expect(await target('SELECT n FROM missing')).toEqual([{ n: 2 }])
    expect(await auditEventsFor(id)).toContainEqual(expect.objectContaining({ action: 'run.retry' }))
  })

  it('a DBA marks a failed step applied (the run goes on) or the run rolled back, each recorded on the target', async () => {
    const { dba, lead, environmentId, planId, phaseId, target } = await setup({
      steps: [
        { name: 'Breaks', body: 'SELECT 1 / 0;' },
        { name: 'Next', body: 'CREATE TABLE next_step (id int);' },
      ],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('FAILED')
    await expect(markRunApplied(dba, { runId: id, note: '' })).resolves.toBeDefined() // the note is checked by the action's schema
    expect((await db.run.findUniqueOrThrow({ where: { id } })).status).toBe('QUEUED')
    expect(await target("SELECT success, error FROM lockstep.schema_history WHERE description = 'Breaks'")).toEqual([
      { success: true, error: null },
    ])
    expect((await work()).status).toBe('SUCCEEDED')

    // A second run of the phase finds everything applied; the plan's new failing step is then undone by hand.
    const step = await db.step.findFirstOrThrow({ where: { phaseId, name: 'Next' } })
    await editSqlStep(
      lead,
      // It ran: the edit is a decision (lib/server/revisions), and the history row is then removed by hand.
      ZEditSqlStep.parse({
        stepId: step.id,
        name: 'Next',
        body: 'CREATE TABLE next_step (id int);\nSELECT 1 / 0;',
        appliedDecision: 'edit',
      }),
    )
    await target("DROP TABLE next_step; DELETE FROM lockstep.schema_history WHERE description = 'Next'")
    const second = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    expect((await work()).status).toBe('FAILED')
    await expect(markRunRolledBack(lead, { runId: second.id, note: 'dropped by hand' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await markRunRolledBack(dba, { runId: second.id, note: 'dropped by hand' })
    expect((await db.run.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('ROLLED_BACK')
    expect(
      await target(
        "SELECT rolled_back_at IS NOT NULL AS undone FROM lockstep.schema_history WHERE description = 'Next'",
      ),
    ).toEqual([{ undone: true }])
    const actions = (await auditEventsFor(second.id)).map((e) => e.action)
    expect(actions).toContain('run.mark-rolled-back')
  })

  /** A protected environment with an approved window open now, for a phase of one SQL step. */
  async function protectedWithWindow(step: { name: string; body: string }) {
    const scope = await setup({ protected: true, steps: [step] })
    const { dba, lead, name, environmentId, planId } = scope
    await openWindowNow(lead, dba, { environmentId, environmentName: name, planId })
    return scope
  }

  it('error-level lint findings block a protected run until a DBA accepts them with a reason', async () => {
    const { dba, lead, environmentId, planId, phaseId } = await protectedWithWindow({
      name: 'Plain index',
      body: 'CREATE INDEX t_id ON t (id);',
    })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('1 error-level lint finding'),
    })
    const step = await db.step.findFirstOrThrow({ where: { phaseId } })
    await expect(overrideLint(lead, { stepId: step.id, reason: 'small table' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await overrideLint(dba, { stepId: step.id, reason: 'The table has 40 rows; the lock lasts milliseconds.' })
    expect(await auditEventsFor(step.id)).toContainEqual(expect.objectContaining({ action: 'step.lint-override' }))
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    expect(id).toBeTruthy()
    await cancelRun(dba, id)
    // Editing the script takes the acceptance away.
    await editSqlStep(
      dba,
      ZEditSqlStep.parse({ stepId: step.id, name: 'Plain index', body: 'CREATE INDEX t_id2 ON t (id);' }),
    )
    expect((await db.step.findUniqueOrThrow({ where: { id: step.id } })).lintOverrideReason).toBeNull()
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
  })

  it('a stored lint report that cannot be read blocks a protected run like a missing one', async () => {
    const { dba, environmentId, planId, phaseId } = await protectedWithWindow({
      name: 'Forged lint',
      body: 'CREATE INDEX t_id ON t (id);',
    })
    // A row edited by hand: with the count as text, a cast read "0" > 0 as no findings and let the run start.
    const step = await db.step.findFirstOrThrow({ where: { phaseId } })
    await db.step.update({ where: { id: step.id }, data: { lint: { statements: [], errors: '0', warnings: 0 } } })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('The stored lint report of step “Forged lint” cannot be read (errors:'),
    })
    expect(await db.run.count({ where: { phaseId } })).toBe(0)
  })

  it('refuses malformed SQL when a step is saved, and keeps removed steps for the runs that used them', async () => {
    const { lead, environmentId, planId, phaseId } = await setup({ steps: [{ name: 'Only', body: 'SELECT 1;' }] })
    await expect(
      addSqlStep(lead, ZAddSqlStep.parse({ phaseId, name: 'Broken', body: 'SELEC 1;' })),
    ).rejects.toMatchObject({ code: 'INVALID', fieldErrors: { body: [expect.stringContaining('line 1')] } })
    expect(await db.step.count({ where: { phaseId } })).toBe(1)
    // The editor's preview: the same parser and linter, for editors only, nothing stored.
    await expect(previewLint(lead, { sql: 'SELECT 1;\nSELEC 2;' })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('line 2'),
    })
    await expect(previewLint(await makeUser('STAKEHOLDER'), { sql: 'SELECT 1;' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await previewLint(lead, { sql: 'CREATE INDEX i ON t (id);' })).toMatchObject({
      errors: 1,
      transactions: 'in one transaction',
      statements: [{ line: 1, kind: 'IndexStmt', lock: 'SHARE on t', inTransaction: true }],
    })
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: true })
    expect((await work()).status).toBe('SUCCEEDED')
    const step = await db.step.findFirstOrThrow({ where: { phaseId } })
    await removeStep(lead, { stepId: step.id })
    expect((await db.step.findUniqueOrThrow({ where: { id: step.id } })).removedAt).not.toBeNull()
    expect((await db.stepRun.findFirstOrThrow({ where: { runId: id } })).stepId).toBe(step.id)
    await expect(startRun(lead, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      message: expect.stringContaining('has no steps'),
    })
  })
})
