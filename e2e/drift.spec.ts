import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, auditEvents, query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPlan, seedPlanEnvironment } from './fixtures/seed'
import { signIn } from './fixtures/session'

// A target changed outside Lockstep: a DBA checks it from its drift page, reads each object with the DDL that
// reproduces it, acknowledges it with a reason; the plan page, the monitoring view and the status report say
// so – the stakeholder's report with counts only.

// Several people's sign-ins, a connection added by an admin, and two checks by the worker: more than a page's minute.
test.describe.configure({ timeout: 180_000 })

test('a drifted target is found, shown with its DDL, acknowledged by a DBA, and named on the plan and the report', async ({
  page,
  browser,
}, testInfo) => {
  const suffix = randomUUID().slice(0, 8)
  const env = `drift-${suffix}`
  const database = `e2e_drift_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const target = new URL(appDatabaseUrl())
  target.pathname = `/${database}`
  const targetQuery = async (sql: string) => {
    const pg = await import('pg')
    const client = new pg.default.Client({ connectionString: target.toString() })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await targetQuery('CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL DEFAULT 0)')
  const environmentId = await seedEnvironment(env)
  await addOwnServerConnectionAsAdmin(browser, env, 'orders db', `${target}?sslmode=disable`)
  const [connection] = await query<{ id: string }>(
    `SELECT "id" FROM "Connection" WHERE "environmentId" = $1 AND "role" = 'TARGET'`,
    [environmentId],
  )
  const lead = await seedUser('LEAD')
  const planId = await seedPlan(lead, { title: `Orders move ${suffix}`, status: 'ACTIVE' })
  await seedPlanEnvironment(lead, planId, environmentId, { targetConnectionId: connection?.id })

  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto(`/connections/${connection?.id}/monitor`)
  await page.getByTestId('monitor-drift').getByRole('link', { name: 'Drift checks' }).click()
  await expect(page.getByRole('heading', { name: `Drift: orders db (${env})` })).toBeVisible()
  // The first check records the schema as it is (or finds it equal to what the worker's periodic sweep of an
  // active plan's targets may have recorded a moment before): it must be done before the target changes.
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByTestId('drift-record')).toContainText('by the first check', { timeout: 30_000 })
  await expect
    .poll(
      async () =>
        (
          await query<{ status: string }>(
            `SELECT "status" FROM "DriftCheck" WHERE "connectionId" = $1 AND "trigger" = 'ON_DEMAND'`,
            [connection?.id],
          )
        ).map((c) => c.status),
      { timeout: 30_000 },
    )
    .toEqual([expect.stringMatching(/^(RECORDED|CLEAN)$/)])

  // Someone changes the target by hand.
  await targetQuery(`ALTER TABLE orders ADD COLUMN note text; ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;
                     CREATE TABLE refunds (id bigint PRIMARY KEY, amount numeric)`)
  await page.getByRole('button', { name: 'Check now' }).click()
  const objects = page.getByTestId('drift-objects')
  await expect(objects.getByRole('listitem')).toHaveCount(3, { timeout: 30_000 })
  await expect(objects).toContainText('ALTER TABLE "public"."orders" ADD COLUMN "note" text;')
  await expect(objects).toContainText('ALTER TABLE "public"."orders" ALTER COLUMN "total" SET DEFAULT 1;')
  await expect(objects).toContainText('CREATE TABLE "public"."refunds"')
  await page.screenshot({ path: testInfo.outputPath('drift-desktop.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: testInfo.outputPath('drift-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  await page.getByRole('button', { name: 'Acknowledge drift…' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Why may it stay?').fill('The reporting team added the note column; kept on purpose.')
  await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: 'acknowledged it' })).toContainText(
    'The reporting team added the note column',
  )
  const [check] = await query<{ id: string }>(
    `SELECT "id" FROM "DriftCheck" WHERE "connectionId" = $1 AND "acknowledgedAt" IS NOT NULL`,
    [connection?.id],
  )
  expect((await auditEvents(check?.id ?? '')).map((e) => e.action)).toEqual(['drift.check', 'drift.acknowledge'])

  await page.goto(`/plans/${planId}`)
  await expect(page.getByTestId('plan-drift')).toContainText(`Drift on ${env}: 3 objects of its target changed`)
  await expect(page.getByTestId('plan-drift').getByRole('link', { name: 'See what changed' })).toBeVisible()

  // A stakeholder's report: the counts, no object and no link to the connection.
  const context = await browser.newContext()
  const stakeholder = await context.newPage()
  await signIn(stakeholder, await seedUser('STAKEHOLDER'))
  await stakeholder.goto(`/plans/${planId}/report`)
  const line = stakeholder.getByTestId('report-drift')
  await expect(line).toContainText(`The schema of ${env}’s target changed outside Lockstep: 3 objects`)
  await expect(line).toContainText('acknowledged by a DBA')
  await expect(line).not.toContainText('refunds')
  await line.screenshot({ path: testInfo.outputPath('report-drift.png') })
  await stakeholder.goto(`/plans/${planId}`)
  await expect(stakeholder.getByTestId('plan-drift').getByRole('link')).toHaveCount(0)
  await context.close()
})
