import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import pg from 'pg'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedPhase, seedPlan, seedSqlStep } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL, PHONE } from './fixtures/settings'
import { openStepForm } from './fixtures/plan-page'

test('a DBA runs the seeded demo plan: lint verdicts on the plan, a live run to SUCCEEDED, a gate released by hand', async ({
  page,
}, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  const upgrade = page.getByRole('region', { name: /Schema upgrade/ })
  const steps = upgrade.getByTestId('step')
  await expect(steps).toHaveCount(3)
  // A step's script and findings are rendered when it is first opened, not sent with the page.
  const indexStep = steps.filter({ hasText: 'V2 – index orders by status' })
  await expect(indexStep.getByRole('table', { name: 'Lint findings', includeHidden: true })).toHaveCount(0)
  await indexStep.locator('summary').click()
  await expect(indexStep.getByRole('table', { name: 'Lint findings' })).toContainText('SHARE UPDATE EXCLUSIVE')
  // Opened on a phone, the findings scroll inside the step: the page stays as wide as the screen.
  const desktop = page.viewportSize()
  await page.setViewportSize(PHONE)
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth))
    .toBe(true)
  if (desktop) await page.setViewportSize(desktop)
  await page.screenshot({ path: testInfo.outputPath('demo-plan.png'), fullPage: true })

  await page.getByRole('button', { name: 'Run… Schema upgrade' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('run-step')).toHaveText([
    /Succeeded.*V1.*2\/2 statements/,
    /Succeeded.*V2.*1\/1 statements/,
    /Succeeded.*V3.*1\/1 statements/,
  ])
  await expect(page.getByTestId('run-log')).toContainText('statement by statement')
  await page.screenshot({ path: testInfo.outputPath('demo-run.png'), fullPage: true })
  const demoUrl = new URL(appDatabaseUrl())
  demoUrl.pathname = '/lockstep_demo'
  const demo = new pg.Client({ connectionString: demoUrl.toString() })
  await demo.connect()
  expect((await demo.query('SELECT count(*)::int AS n FROM orders WHERE status IS NULL')).rows[0]?.n).toBe(0)
  expect((await demo.query('SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success')).rows[0]?.n).toBe(3)
  await demo.end()

  // The cutover phase stops at its gate until the DBA releases it.
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  await page.getByRole('button', { name: 'Run… Cutover' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Waiting', { timeout: 30_000 })
  await expect(page.getByRole('region', { name: /Waiting at/ })).toContainText(
    'Release when order pages show the status.',
  )
  await page.screenshot({ path: testInfo.outputPath('demo-gate.png'), fullPage: true })
  await page.getByRole('button', { name: 'Release gate…' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click()
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('run-log')).toContainText(`released by ${dba.name}`)
})

test('a DBA watches a run succeed live, rolls a failed one back from the UI; a stakeholder sees runs without buttons', async ({
  page,
  browser,
}, testInfo) => {
  const dba = await seedUser('DBA')
  const suffix = randomUUID().slice(0, 8)
  const env = `staging-${suffix}`
  const database = `e2e_target_${suffix}`
  const databaseUrl = appDatabaseUrl()
  await query(`CREATE DATABASE ${database}`)
  const targetUrl = new URL(databaseUrl)
  targetUrl.pathname = `/${database}`

  // A plan with one ready SQL step.
  const planId = await seedPlan(dba, { title: `Run plan ${suffix}` })
  await seedSqlStep(dba, await seedPhase(dba, planId, { name: 'Schema' }), {
    name: 'Create orders',
    body: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nINSERT INTO orders SELECT g FROM generate_series(1, 100) g;',
  })

  // The DBA adds the environment and its target connection in the UI (the password is encrypted by the server).
  await signIn(page, dba)
  await page.goto('/connections')
  await page.getByRole('region', { name: 'Add an environment' }).getByLabel('Name').fill(env)
  await page.getByRole('button', { name: 'Add environment' }).click()
  const section = page.getByTestId('environment').filter({ has: page.getByRole('heading', { name: env }) })
  await section.getByText(`Add a connection to ${env}`).click()
  await section.getByLabel('Name', { exact: true }).fill('target')
  await section.getByLabel('URL (optional, instead of the fields below)').fill(`${targetUrl}?sslmode=disable`)
  await section.getByRole('button', { name: 'Add connection' }).click()
  // The target database lives on Lockstep's own server: only an admin may allow a connection there.
  await expect(
    section
      .getByRole('alert')
      .filter({ hasText: "“target” points at Lockstep's own database server; only an admin can allow that." }),
  ).toBeVisible()
  await addOwnServerConnectionAsAdmin(browser, env, 'target', `${targetUrl}?sslmode=disable`)
  await page.reload()
  await expect(section.getByTestId('connection')).toHaveCount(1)
  await page.goto(`/plans/${planId}`)
  const mapping = page.getByTestId('plan-environment').filter({ hasText: env })
  await mapping.getByLabel('Copy to (target)').selectOption({ label: 'target' })
  await mapping.getByRole('button', { name: 'Save' }).click()
  await expect
    .poll(
      async () =>
        (
          await query('SELECT 1 FROM "PlanEnvironment" WHERE "planId" = $1 AND "targetConnectionId" IS NOT NULL', [
            planId,
          ])
        ).length,
    )
    .toBe(1)

  // Start the run; the page follows it live to the end.
  await page.reload()
  await page.getByRole('button', { name: 'Run… Schema' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  const runId = page.url().split('/').pop() ?? ''
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('run-step')).toContainText('2/2 statements')
  await expect(page.getByTestId('run-log')).toContainText('Run succeeded.')
  await page.screenshot({ path: testInfo.outputPath('run.png'), fullPage: true })
  const target = new pg.Client({ connectionString: targetUrl.toString() })
  await target.connect()
  expect((await target.query('SELECT count(*)::int AS n FROM orders')).rows[0]?.n).toBe(100)
  expect((await target.query('SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success')).rows[0]?.n).toBe(
    1,
  )
  await target.end()

  // A second run fails; the DBA rolls it back from the run page.
  await seedPhase(dba, planId, { name: 'Backfill' })
  await page.goto(`/plans/${planId}`)
  const backfill = page.getByRole('region', { name: /Backfill/ })
  await openStepForm(backfill, '+ Add SQL step…')
  await backfill.getByLabel('Step name').fill('Broken backfill')
  await backfill
    .getByLabel('SQL script')
    .fill('CREATE TABLE scratch (id int);\nINSERT INTO scratch VALUES (1);\nSELEC 1 / 0;')
  await backfill.getByRole('button', { name: 'Check lint' }).click()
  await expect(backfill.getByTestId('lint-preview')).toContainText('Syntax error on line 3')
  await backfill.getByRole('button', { name: 'Add step' }).click()
  await expect(backfill.getByText('Syntax error on line 3')).toHaveCount(2) // the field error too: nothing saved
  await expect(backfill.getByTestId('step')).toHaveCount(0)
  // Built concurrently, the index runs outside a transaction: the statements before the failing one stay, so there is something to roll back.
  await backfill
    .getByLabel('SQL script')
    .fill(
      'CREATE TABLE scratch (id int);\nINSERT INTO scratch VALUES (1);\nCREATE INDEX CONCURRENTLY scratch_id ON scratch (id);\nSELECT 1 / 0;',
    )
  await backfill.getByRole('button', { name: 'Check lint' }).click()
  await expect(backfill.getByTestId('lint-preview').getByRole('table', { name: 'Lint findings' })).toContainText(
    'INSERT INTO scratch',
  )
  await page.screenshot({ path: testInfo.outputPath('lint-preview.png'), fullPage: true })
  await backfill.getByLabel('Rollback script (optional)').fill('DROP TABLE IF EXISTS scratch;')
  await backfill.getByRole('button', { name: 'Add step' }).click()
  await expect(backfill.getByTestId('step')).toHaveCount(1)
  await expect(backfill.getByTestId('step')).toContainText('lint')
  await page.goto(`/plans/${planId}`)
  await page.getByRole('button', { name: 'Run… Backfill' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(runId))
  await expect(page.getByTestId('run-summary')).toContainText('Failed', { timeout: 30_000 })
  await expect(page.getByRole('alert').filter({ hasText: 'division by zero' }).first()).toBeVisible()
  // Every way on is offered and explained to the DBA.
  const decide = page.getByRole('region', { name: 'How to go on' })
  for (const option of ['Retry…', 'Roll back…', 'Mark applied…', 'Mark rolled back…'])
    await expect(decide.getByRole('button', { name: option })).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('failed-run.png'), fullPage: true })
  await decide.getByRole('button', { name: 'Roll back…' }).click()
  await page.getByRole('dialog', { name: 'Roll back this run?' }).getByRole('button', { name: 'Roll back' }).click()
  await expect(page.getByTestId('run-summary')).toContainText('Rolled back', { timeout: 30_000 })
  await expect(page.getByTestId('run-log')).toContainText('Run rolled back.')

  // A stakeholder sees the run but no buttons, and cannot cancel by calling the action directly.
  const stakeholder = await seedUser('STAKEHOLDER')
  const context = await browser.newContext()
  const reader = await context.newPage()
  await signIn(reader, stakeholder)
  await reader.goto(`/runs/${runId}`)
  await expect(reader.getByTestId('run-summary')).toContainText('Succeeded')
  await expect(reader.getByRole('button', { name: /Cancel run/ })).toHaveCount(0)
  await reader.goto(page.url())
  await expect(reader.getByTestId('run-summary')).toContainText('Rolled back')
  await expect(reader.getByRole('button', { name: /Retry|Roll back|Mark applied|Mark rolled back/ })).toHaveCount(0)
  await reader.goto(`/plans/${planId}`)
  await expect(reader.getByRole('button', { name: /^Run…/ })).toHaveCount(0)
  await expect(reader.getByTestId('latest-run')).toHaveText([/Succeeded/, /Rolled back/])
  const reply = await callServerAction(
    reader.request,
    BASE_URL,
    serverActionId('lib/actions/runs.ts', 'cancelRunAction'),
    [{ runId }],
  )
  expect(reply).toContain('You do not have permission to do that.')
  const retry = await callServerAction(
    reader.request,
    BASE_URL,
    serverActionId('lib/actions/runs.ts', 'retryRunAction'),
    [{ runId }],
  )
  expect(retry).toContain('You do not have permission to do that.')
  await context.close()
})
