import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddCopyStep, ZAddPhase, ZCreatePlan, ZEditCopyStep } from '@/lib/server/plans/schemas'
import { addCopyStep, editCopyStep } from '@/lib/server/plans/step-commands'
import { startRun as startAnyRun } from '@/lib/server/runs/commands'
import { approveWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { executeRun } from '../runs'
import type { CopyDetail } from '@/lib/domain/step-details'
import { ownRuns } from '@/lib/testing/own-runs'

// This file's runs only: other files' runs in the shared database are theirs to claim.
const own = ownRuns()
const startRun = async (...args: Parameters<typeof startAnyRun>) => own.track(await startAnyRun(...args))

// A copy step into the tables an application's own migrations made, which seeded a few rows: the step's
// existing-rows choice decides – refuse (nothing changes, the tables and the setting are named), empty them
// first (confirmed when the step was saved), or merge the source's rows by primary key. Driven as the worker
// drives a run: queued by startRun, claimed and executed.

const SCHEMA = `CREATE TABLE role (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE account (id int PRIMARY KEY, email text NOT NULL, role_id int NOT NULL REFERENCES role (id));`
const SOURCE_ROWS = `INSERT INTO role VALUES (1, 'owner'), (2, 'member');
INSERT INTO account VALUES (10, 'ann@example.com', 1), (11, 'bob@example.com', 2);`
// What the application's migrations seeded: a role the source also has (another name) and one it has not.
const SEEDED_ROWS = `INSERT INTO role VALUES (1, 'admin'), (99, 'guest');`

type CopyStepInput = { existingRows?: 'refuse' | 'empty' | 'merge'; confirmEmpty?: 'on' }

async function setup(input: CopyStepInput, options: { protected?: boolean } = {}) {
  const admin = await makeUser('ADMIN')
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const sourceUrl = await createFreshDatabase('seeded_source', { migrate: false })
  const targetUrl = await createFreshDatabase('seeded_target', { migrate: false })
  await queryDatabase(sourceUrl, `${SCHEMA}\n${SOURCE_ROWS}`)
  await queryDatabase(targetUrl, `${SCHEMA}\n${SEEDED_ROWS}`)
  const name = `seeded-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: !!options.protected })
  // Both databases live on the test server, which is also Lockstep's own: an admin allows that.
  const connection = (role: 'SOURCE' | 'TARGET', url: string) =>
    createConnection(
      admin,
      ZConnection.parse({
        environmentId,
        engine: 'POSTGRES',
        ownServer: 'allow',
        name: role.toLowerCase(),
        role,
        url: `${url}?sslmode=disable`,
      }),
    )
  const { id: sourceConnectionId } = await connection('SOURCE', sourceUrl)
  const { id: targetConnectionId } = await connection('TARGET', targetUrl)
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Seeded ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Copy' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId, targetConnectionId })
  const { id: stepId } = await addCopyStep(
    lead,
    ZAddCopyStep.parse({
      phaseId,
      name: 'Copy the app',
      tables: 'role\naccount',
      mode: 'existing',
      jobs: '1',
      ...input,
    }),
  )
  const target = (sql: string) => queryDatabase(targetUrl, sql)
  return { dba, lead, name, environmentId, planId, phaseId, stepId, target }
}

/** Queues the phase's run and has a worker claim and execute it; the run, its copy step run and its log. */
async function runPhase(plan: Awaited<ReturnType<typeof setup>>) {
  const { id } = await startRun(plan.dba, {
    planId: plan.planId,
    phaseId: plan.phaseId,
    environmentId: plan.environmentId,
    dryRun: false,
  })
  const claimed = await own.claim(`seeded-worker-${randomUUID().slice(0, 8)}`)
  if (!claimed) throw new Error('nothing to claim')
  await executeRun(claimed)
  const run = await db.run.findUniqueOrThrow({ where: { id } })
  const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId: id } })
  const log = (await db.runEvent.findMany({ where: { runId: id }, orderBy: { id: 'asc' } })).map((e) => e.message)
  return { run, stepRun, detail: stepRun.detail as CopyDetail | null, log }
}

const roles = (plan: Awaited<ReturnType<typeof setup>>) => plan.target('SELECT id, name FROM role ORDER BY id')
const accounts = async (plan: Awaited<ReturnType<typeof setup>>) =>
  (await plan.target('SELECT count(*)::int AS n FROM account'))[0]?.n

describe('a copy step into existing tables that already have rows', () => {
  it('refuses them by default: the step fails naming each table and its rows and the setting to change, and nothing changes', async () => {
    const plan = await setup({})
    expect((await db.step.findUniqueOrThrow({ where: { id: plan.stepId } })).config).not.toHaveProperty('existingRows')
    const { run, stepRun } = await runPhase(plan)
    expect(run.status).toBe('FAILED')
    expect(stepRun.status).toBe('FAILED')
    expect(stepRun.error).toBe(
      "The target table “role” (2 rows) already has rows (seeded by the application's migrations?); nothing was changed. Edit the step and choose, under “Rows already on the target”, to empty it first or to merge the source's rows by primary key.",
    )
    expect(run.error).toContain('“role” (2 rows)')
    expect(await roles(plan)).toEqual([
      { id: 1, name: 'admin' },
      { id: 99, name: 'guest' },
    ])
    expect(await accounts(plan)).toBe(0)
  })

  it('empties them first only with a confirmation given when the step was saved, and the step run names what it emptied', async () => {
    const refused = ZAddCopyStep.safeParse({
      phaseId: randomUUID(),
      name: 'Copy',
      tables: '',
      mode: 'existing',
      existingRows: 'empty',
    })
    expect(refused.success).toBe(false)
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'confirmEmpty',
        'Confirm that the rows already in these tables on the target will be deleted, or choose another way.',
      ],
    ])

    const plan = await setup({ existingRows: 'empty', confirmEmpty: 'on' })
    expect((await db.step.findUniqueOrThrow({ where: { id: plan.stepId } })).config).toMatchObject({
      mode: 'existing',
      existingRows: 'empty',
      emptyConfirmed: true,
    })
    const { run, detail, log } = await runPhase(plan)
    expect(run.status).toBe('SUCCEEDED')
    expect(await roles(plan)).toEqual([
      { id: 1, name: 'owner' },
      { id: 2, name: 'member' },
    ])
    expect(await accounts(plan)).toBe(2)
    expect(detail?.existingRows).toEqual({
      done: 'emptied',
      tables: [{ table: 'role', rows: 2 }],
      described: '“role” (2 rows)',
    })
    expect(log).toContainEqual(
      expect.stringMatching(
        /^Step “Copy the app” copied 4 rows in 2 tables in .* s; emptied first “role” \(2 rows\)\.$/,
      ),
    )
    expect(log).toContain('Emptied before the load: “role” (2 rows).')
  })

  it('stops at an "empty first" nobody confirmed (a configuration that did not come through the form), changing nothing', async () => {
    const plan = await setup({})
    const step = await db.step.findUniqueOrThrow({ where: { id: plan.stepId } })
    await db.step.update({
      where: { id: step.id },
      data: { config: { ...(step.config as object), existingRows: 'empty' } },
    })
    const { run, stepRun } = await runPhase(plan)
    expect(run.status).toBe('FAILED')
    expect(stepRun.error).toContain(
      'The target table “role” (2 rows) already has rows, and emptying it was never confirmed; nothing was changed.',
    )
    expect(await roles(plan)).toEqual([
      { id: 1, name: 'admin' },
      { id: 99, name: 'guest' },
    ])
  })

  it("merges by primary key: a source row replaces the seeded row with its key, the target's other rows stay", async () => {
    const plan = await setup({ existingRows: 'merge' })
    const { run, detail, log } = await runPhase(plan)
    expect(run.status).toBe('SUCCEEDED')
    expect(await roles(plan)).toEqual([
      { id: 1, name: 'owner' },
      { id: 2, name: 'member' },
      { id: 99, name: 'guest' },
    ])
    expect(await accounts(plan)).toBe(2)
    expect(detail?.existingRows).toEqual({
      done: 'merged',
      tables: [{ table: 'role', rows: 2 }],
      described: '“role” (2 rows)',
    })
    expect(log).toContainEqual(
      expect.stringMatching(
        /^Step “Copy the app” copied 4 rows in 2 tables in .* s; merged by primary key into “role” \(2 rows\)\.$/,
      ),
    )
    expect(log).toContain(
      'Merged by primary key into rows already there: “role” (2 rows); their rows the source does not have stay.',
    )
  })

  it('a changed choice is a change of the step: it sends an approved window back; saving it unchanged does not', async () => {
    const plan = await setup({}, { protected: true })
    const { id: windowId } = await requestWindow(
      plan.lead,
      ZRequestWindow.parse({
        environmentId: plan.environmentId,
        planId: plan.planId,
        phaseId: plan.phaseId,
        reason: 'copy',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    )
    await approveWindow(plan.dba, { windowId, note: '', confirm: plan.name })
    const edit = (input: CopyStepInput) =>
      editCopyStep(
        plan.lead,
        ZEditCopyStep.parse({
          stepId: plan.stepId,
          name: 'Copy the app',
          tables: 'role\naccount',
          mode: 'existing',
          jobs: '1',
          ...input,
        }),
      )
    const windowStatus = async () => (await db.maintenanceWindow.findUniqueOrThrow({ where: { id: windowId } })).status
    await edit({ existingRows: 'refuse' })
    expect(await windowStatus()).toBe('APPROVED')
    await edit({ existingRows: 'merge' })
    expect(await windowStatus()).toBe('REQUESTED')
    await approveWindow(plan.dba, { windowId, note: '', confirm: plan.name })
    await edit({ existingRows: 'empty', confirmEmpty: 'on' })
    expect(await windowStatus()).toBe('REQUESTED')
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { entityId: plan.stepId, action: 'step.update' },
      orderBy: { id: 'desc' },
    })
    expect(audit.after).toMatchObject({ config: { existingRows: 'empty', emptyConfirmed: true } })
  })
})
