import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import pg from 'pg'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment, seedSqlStep } from './fixtures/seed'
import { signIn } from './fixtures/session'

// An applied script edited anyway: the save warns first and names where it ran, the next run fails on the
// checksum and links to the diff, a DBA accepts the new checksum with a reason, and the run after goes
// through; then an earlier revision is restored from the diff view, exactly.

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY);'
const COMMENTED = '-- orders of the shop, one row per order\nCREATE TABLE orders (id bigint PRIMARY KEY);'

async function runPhase(page: Page, planId: string, env: string, expected: 'Succeeded' | 'Failed') {
  await page.goto(`/plans/${planId}`)
  await page.getByRole('button', { name: 'Run… Schema' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText(expected, { timeout: 30_000 })
  return page.url().split('/').pop() ?? ''
}

test('an applied script edited anyway: warning, checksum failure, diff, a DBA accepts the new checksum, the run goes through; a revision restored exactly', async ({
  page,
  browser,
}, testInfo) => {
  // Four sign-ins (two with a second factor), a connection added by an admin and three runs.
  test.setTimeout(300_000)
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const suffix = randomUUID().slice(0, 8)
  const env = `staging-${suffix}`
  const database = `e2e_revisions_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const targetUrl = new URL(appDatabaseUrl())
  targetUrl.pathname = `/${database}`
  const environmentId = await seedEnvironment(env)
  await addOwnServerConnectionAsAdmin(browser, env, 'target', `${targetUrl}?sslmode=disable`)
  const [connection] = await query<{ id: string }>('SELECT "id" FROM "Connection" WHERE "environmentId" = $1', [
    environmentId,
  ])
  const planId = await seedPlan(lead, { title: `Revisions ${suffix}` })
  const stepId = await seedSqlStep(lead, await seedPhase(lead, planId, { name: 'Schema' }), {
    name: 'Orders',
    body: ORDERS,
    rollbackBody: 'DROP TABLE orders;',
  })
  await seedPlanEnvironment(lead, planId, environmentId, { targetConnectionId: connection?.id })

  await signIn(page, lead)
  const firstRunId = await runPhase(page, planId, env, 'Succeeded')

  // Editing the applied script: the save stops and says where it ran and what each choice does.
  await page.goto(`/plans/${planId}`)
  const schema = page.getByRole('region', { name: /Schema$/ })
  await schema.getByRole('button', { name: 'Edit “Orders”' }).click()
  await schema.getByLabel('SQL script').fill(COMMENTED)
  await schema.getByRole('button', { name: 'Save step' }).click()
  await expect(schema.getByTestId('applied-warning')).toContainText(`This script already ran on ${env}.`)
  await expect(schema.getByRole('button', { name: 'Add the change as a new step' })).toBeVisible()
  await schema.screenshot({ path: testInfo.outputPath('applied-warning.png') })
  expect(await query('SELECT "body" FROM "Step" WHERE "id" = $1', [stepId])).toEqual([{ body: ORDERS }])
  await schema.getByRole('button', { name: /^Edit anyway/ }).click()
  await expect(schema.getByRole('button', { name: 'Edit “Orders”' })).toBeVisible()
  await expect
    .poll(async () => (await query<{ body: string }>('SELECT "body" FROM "Step" WHERE "id" = $1', [stepId]))[0]?.body)
    .toBe(COMMENTED)

  // The next run refuses the changed script and links to the diff of the applied and the current text.
  await runPhase(page, planId, env, 'Failed')
  await expect(page.getByTestId('run-step')).toContainText('changed after it ran')
  await page.screenshot({ path: testInfo.outputPath('checksum-failure.png'), fullPage: true })
  await page.getByRole('link', { name: 'See the diff between the applied and the current text' }).click()
  await page.waitForURL(new RegExp(`/plans/${planId}/steps/${stepId}\\?from=1&to=2`))
  const diff = page.getByTestId('script-diff').first()
  await expect(diff.locator('ins')).toContainText(['-- orders of the shop, one row per order'])
  await expect(page.getByTestId('applied-on')).toContainText('changed since it ran')
  // A lead is not offered the acceptance.
  await expect(page.getByRole('button', { name: /Accept the new checksum/ })).toHaveCount(0)

  // A DBA accepts the new checksum, with a reason, and runs the phase again: it goes through.
  const dbaContext = await browser.newContext()
  const dbaPage = await dbaContext.newPage()
  await signIn(dbaPage, dba)
  await dbaPage.goto(`/plans/${planId}/steps/${stepId}?from=1&to=2`)
  await dbaPage.getByRole('button', { name: `Accept the new checksum… on ${env}` }).click()
  const dialog = dbaPage.getByRole('dialog')
  await expect(dialog).toContainText("Like Flyway's repair")
  await dialog.getByLabel('Why is this safe?').fill('Only a comment was added.')
  await dialog.getByRole('button', { name: 'Accept the new checksum' }).click()
  await expect(dbaPage.getByTestId('accepted-checksum')).toContainText('Only a comment was added.')
  await dbaPage.screenshot({ path: testInfo.outputPath('revisions-accepted.png'), fullPage: true })
  expect(await query('SELECT "reason", "acceptedById" FROM "AcceptedChecksum" WHERE "stepId" = $1', [stepId])).toEqual([
    { reason: 'Only a comment was added.', acceptedById: dba.id },
  ])
  await runPhase(dbaPage, planId, env, 'Succeeded')
  await expect(dbaPage.getByTestId('run-log')).toContainText(`the DBA ${dba.email} accepted its new checksum`)
  const target = new pg.Client({ connectionString: targetUrl.toString() })
  await target.connect()
  const history = await target.query<{ checksum: string }>(
    `SELECT checksum FROM lockstep.schema_history WHERE version = $1`,
    [`step-${stepId}`],
  )
  await target.end()
  const [commented] = await query<{ checksum: string }>(
    `SELECT encode(sha256(convert_to($1::text, 'UTF8')), 'hex') AS checksum`,
    [COMMENTED],
  )
  expect(history.rows).toEqual([{ checksum: commented?.checksum }])
  await dbaContext.close()

  // Where each revision ran, and a restore of revision 1 from the diff view: the same checksum, as revision 3.
  await page.goto(`/plans/${planId}/steps/${stepId}?from=1&to=2`)
  const first = page.getByTestId('revision').filter({ hasText: 'Revision 1' })
  await expect(first.getByRole('link', { name: `ran on ${env}` })).toHaveAttribute('href', `/runs/${firstRunId}`)
  await expect(page.getByTestId('revision').filter({ hasText: 'Revision 2' })).toContainText(`current`)
  await expect(page.getByTestId('revision').filter({ hasText: 'Revision 2' })).toContainText(`ran on ${env}`)
  await expect(page.getByTestId('applied-on')).toContainText('matches the current script')
  await page.getByRole('button', { name: 'Restore revision 1' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Restore revision 1' }).click()
  await expect(page.getByTestId('revision').filter({ hasText: 'Revision 3' })).toContainText('restored from revision 1')
  const revisions = await query<{ number: number; scriptsChecksum: string }>(
    'SELECT "number", "scriptsChecksum" FROM "ScriptRevision" WHERE "stepId" = $1 ORDER BY "number"',
    [stepId],
  )
  expect(revisions.map((r) => r.number)).toEqual([1, 2, 3])
  expect(revisions[2]?.scriptsChecksum).toBe(revisions[0]?.scriptsChecksum)
  expect(await query('SELECT "body" FROM "Step" WHERE "id" = $1', [stepId])).toEqual([{ body: ORDERS }])
  await page.screenshot({ path: testInfo.outputPath('revisions-desktop.png'), fullPage: true })
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/plans/${planId}/steps/${stepId}?from=2&to=3`)
  await expect(page.getByTestId('script-diff').first()).toBeVisible()
  // The diff scrolls inside its own box; the page itself fits the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(
    true,
  )
  await page.screenshot({ path: testInfo.outputPath('revisions-phone.png'), fullPage: true })
})
