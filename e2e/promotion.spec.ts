import { randomUUID } from 'node:crypto'
import { expect, test, type Page } from '@playwright/test'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment, seedSqlStep } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// Promotion through a plan's environments, as people see it: the phase × environment grid, a start on the second
// environment refused until the phase succeeded on the first with the same scripts, and a DBA's override.

/** A fresh database on Lockstep's own server and an environment with a target connection to it. */
async function environmentWithTarget(browser: Parameters<typeof addOwnServerConnectionAsAdmin>[0], label: string) {
  const suffix = randomUUID().slice(0, 8)
  const name = `${label}-${suffix}`
  const database = `e2e_promotion_${label}_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const url = new URL(appDatabaseUrl())
  url.pathname = `/${database}`
  const environmentId = await seedEnvironment(name)
  await addOwnServerConnectionAsAdmin(browser, name, 'target', `${url}?sslmode=disable`)
  const [connection] = await query<{ id: string }>(`SELECT "id" FROM "Connection" WHERE "environmentId" = $1`, [
    environmentId,
  ])
  return { name, environmentId, connectionId: connection?.id ?? '' }
}

async function startRun(page: Page, phase: string, environment: string) {
  await page.getByRole('button', { name: `Run… ${phase}` }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: environment })
}

test('a phase is promoted from the first environment to the second, and a DBA overrides the rule once with a reason', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(240_000)
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const dev = await environmentWithTarget(browser, 'dev')
  const staging = await environmentWithTarget(browser, 'staging')
  const planId = await seedPlan(lead, { title: `Promotion plan ${randomUUID().slice(0, 8)}` })
  const schema = await seedPhase(lead, planId, { name: 'Schema' })
  await seedSqlStep(lead, schema, {
    name: 'Create orders',
    body: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
    rollbackBody: 'DROP TABLE orders;',
  })
  const backfill = await seedPhase(lead, planId, { name: 'Backfill' })
  await seedSqlStep(lead, backfill, {
    name: 'Fill orders',
    body: 'INSERT INTO orders SELECT g FROM generate_series(1, 10) g;',
    rollbackBody: 'DELETE FROM orders;',
  })
  // dev first, staging second: the order they were given in.
  for (const env of [dev, staging])
    await seedPlanEnvironment(lead, planId, env.environmentId, { targetConnectionId: env.connectionId })

  await signIn(page, lead)
  await page.goto(`/plans/${planId}`)
  const grid = page.getByRole('region', { name: 'Promotion grid' })
  await expect(grid.getByRole('columnheader')).toHaveText(['Phase', dev.name, `→${staging.name}`])
  const row = (phase: string) => grid.getByTestId('promotion-row').filter({ hasText: phase })
  await expect(row('Schema').getByTestId('promotion-cell')).toHaveText([
    /Not run/,
    new RegExp(`Not run.*Blocked until it succeeds on ${dev.name}: never ran there`),
  ])

  await grid.scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('promotion-grid-blocked.png') })

  // The second environment refuses the phase: it never ran on the first.
  await startRun(page, 'Schema', staging.name)
  await expect(page.getByTestId('promotion-note')).toContainText(`has not succeeded on ${dev.name}`)
  await expect(page.getByLabel(/Reason to start without/)).toHaveCount(0)
  await page.getByRole('button', { name: 'Start run' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'cannot run on' })).toHaveText(
    `“Schema” cannot run on “${staging.name}” yet: it must first succeed on “${dev.name}”, the environment before it in this plan's order, with the same scripts, and it never ran there. Run it on “${dev.name}” first; a DBA can start it anyway with a written reason.`,
  )
  expect(await query(`SELECT 1 FROM "Run" WHERE "phaseId" = $1`, [schema])).toHaveLength(0)

  // It runs on the first environment, then on the second.
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: dev.name })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  await page.goto(`/plans/${planId}`)
  await expect(row('Schema').getByTestId('promotion-cell').first()).toContainText('Succeeded')
  await expect(row('Schema').getByTestId('promotion-blocked')).toHaveCount(0)
  await startRun(page, 'Schema', staging.name)
  await expect(page.getByTestId('promotion-note')).toHaveCount(0)
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  const checksums = await query<{ environmentId: string; contentChecksum: string }>(
    `SELECT "environmentId", "contentChecksum" FROM "Run" WHERE "phaseId" = $1 AND "status" = 'SUCCEEDED'`,
    [schema],
  )
  expect(checksums).toHaveLength(2)
  expect(checksums[0]?.contentChecksum).toBe(checksums[1]?.contentChecksum)

  // A DBA starts "Backfill" on staging without dev, with a reason; the run page says so.
  const context = await browser.newContext()
  const dbaPage = await context.newPage()
  await signIn(dbaPage, dba)
  await dbaPage.goto(`/plans/${planId}`)
  await startRun(dbaPage, 'Backfill', staging.name)
  const reason = 'dev is being rebuilt; reviewed in CR-77'
  await dbaPage.getByLabel(`Reason to start without ${dev.name} (DBA override, this run only)`).fill(reason)
  await dbaPage.getByRole('button', { name: 'Start run' }).click()
  await dbaPage.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(dbaPage.getByTestId('run-promotion-override')).toHaveText(
    `Promoted without ${dev.name} by ${dba.name}: ${reason}`,
  )
  await expect(dbaPage.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
  const overridden = await query<{ id: string; promotionOverrideReason: string; promotionSkippedEnvironment: string }>(
    `SELECT "id", "promotionOverrideReason", "promotionSkippedEnvironment" FROM "Run" WHERE "phaseId" = $1`,
    [backfill],
  )
  expect(overridden).toEqual([
    { id: expect.any(String), promotionOverrideReason: reason, promotionSkippedEnvironment: dev.name },
  ])
  expect(
    await query(`SELECT 1 FROM "AuditEvent" WHERE "entityId" = $1 AND "action" = 'run.overridePromotion'`, [
      overridden[0]?.id,
    ]),
  ).toHaveLength(1)
  await dbaPage.screenshot({ path: testInfo.outputPath('promotion-override-run.png'), fullPage: true })
  await context.close()

  // The grid: Schema through both environments, Backfill on staging without dev, marked so.
  await page.goto(`/plans/${planId}#promotion`)
  await expect(row('Schema').getByTestId('promotion-cell')).toHaveText([/Succeeded/, /Succeeded/])
  await expect(row('Backfill').getByTestId('promotion-cell').nth(1)).toContainText('Started without promotion')
  await grid.scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('promotion-grid-desktop.png'), fullPage: true })
  await page.setViewportSize(PHONE)
  await page.reload()
  await grid.scrollIntoViewIfNeeded()
  await expect(grid).toBeVisible()
  // The table scrolls inside its region; the page itself does not grow sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
  await page.screenshot({ path: testInfo.outputPath('promotion-grid-phone.png') })
  await grid.evaluate((region) => region.scrollTo({ left: region.scrollWidth }))
  await expect(row('Backfill').getByTestId('promotion-overridden')).toBeInViewport()
  await page.screenshot({ path: testInfo.outputPath('promotion-grid-phone-scrolled.png') })
  await page.setViewportSize({ width: 1280, height: 800 })

  // The order is the plan's: a lead moves staging first, audited, and the grid follows.
  await page.getByRole('button', { name: `Move ${staging.name} up` }).click()
  await expect(grid.getByRole('columnheader')).toHaveText(['Phase', staging.name, `→${dev.name}`])
  expect(
    await query(`SELECT 1 FROM "AuditEvent" WHERE "planId" = $1 AND "action" = 'plan.environment.move'`, [planId]),
  ).toHaveLength(1)
})
