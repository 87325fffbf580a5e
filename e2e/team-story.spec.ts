import { randomUUID } from 'node:crypto'
import { expect, test, type Page } from '@playwright/test'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedEnvironment, seedItems, seedPhase, seedPlan, seedPlanEnvironment, seedSqlStep } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// The team story, as four people live it: a lead requests a maintenance window for one phase of a plan on a
// protected environment, a DBA approves it and runs the phase, the plan page, the plan list, the portfolio and
// the status report move together, and a stakeholder reads the report – at desktop and at phone width.

const DESKTOP = { width: 1280, height: 800 }
/** A datetime-local value (UTC, as the form reads it) `minutes` from now. */
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16)
const progressOf = (page: Page, name: string) =>
  page.getByRole('progressbar', { name }).first().getAttribute('aria-valuenow')

test('a lead requests a window for one phase, a DBA approves and runs it, and every view of the plan moves together for every role', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(240_000)
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const stakeholder = await seedUser('STAKEHOLDER')
  const suffix = randomUUID().slice(0, 8)
  const env = `production-${suffix}`
  const title = `Orders move ${suffix}`
  const database = `e2e_story_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const targetUrl = new URL(appDatabaseUrl())
  targetUrl.pathname = `/${database}`

  // The plan as a lead wrote it: two phases with one reviewed SQL step each, and a required item in the first.
  const environmentId = await seedEnvironment(env, { protected: true })
  const planId = await seedPlan(lead, { title })
  const phase = async (name: string, body: string, rollbackBody: string) => {
    const phaseId = await seedPhase(lead, planId, { name })
    await seedSqlStep(lead, phaseId, { name: `${name}: script`, body, rollbackBody })
    return phaseId
  }
  const upgrade = await phase(
    'Schema upgrade',
    'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
    'DROP TABLE orders;',
  )
  await phase(
    'Cutover',
    'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;',
    'ALTER TABLE orders DROP COLUMN shipped_at;',
  )
  await seedItems(lead, upgrade, [{ text: 'Tell support about the change', isRequired: true }])
  await addOwnServerConnectionAsAdmin(browser, env, 'orders', `${targetUrl}?sslmode=disable`)
  const [target] = await query<{ id: string }>(`SELECT "id" FROM "Connection" WHERE "environmentId" = $1`, [
    environmentId,
  ])
  await seedPlanEnvironment(lead, planId, environmentId, { targetConnectionId: target?.id })

  // The lead sees a draft with nothing done, and requests a window for the first phase.
  await signIn(page, lead)
  await page.goto(`/plans/${planId}`)
  const upgradeCard = page.getByRole('region', { name: /Schema upgrade/ })
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title)
  await expect(page.getByText('Plan status: Draft')).toBeVisible()
  expect(await progressOf(page, 'Plan progress')).toBe('0')
  await expect(upgradeCard).toContainText('Not started')
  await page.screenshot({ path: testInfo.outputPath('1-lead-plan-draft.png'), fullPage: true })
  await page.goto('/windows')
  await page.getByLabel('Environment').selectOption({ label: `${env} (protected)` })
  await page.getByLabel('Plan').selectOption({ label: title })
  await page.getByLabel('Phase (optional)').selectOption({ label: 'Schema upgrade' })
  await page.getByLabel('Starts (UTC)').fill(inMinutes(-2))
  await page.getByLabel('Ends (UTC)').fill(inMinutes(120))
  await page.getByLabel('Reason').fill('Create the orders table')
  await page.getByRole('button', { name: 'Request window' }).click()
  await expect(
    page.getByRole('region', { name: 'Awaiting approval' }).getByTestId('window').filter({ hasText: env }),
  ).toContainText('Awaiting approval')

  // The DBA approves it with the environment's name typed, and runs the phase inside it.
  const dbaContext = await browser.newContext()
  const dbaPage = await dbaContext.newPage()
  await signIn(dbaPage, dba)
  await dbaPage.goto('/windows')
  const toDecide = dbaPage.getByTestId('window').filter({ hasText: env })
  await toDecide.getByRole('button', { name: /^Approve/ }).click()
  await toDecide.getByLabel(`Type ${env} to approve.`).fill(env)
  await toDecide.getByRole('button', { name: 'Approve window' }).click()
  await expect(
    dbaPage
      .getByRole('region', { name: 'Approved: active and upcoming' })
      .getByTestId('window')
      .filter({ hasText: env }),
  ).toContainText(`approved by ${dba.name}`)
  await dbaPage.goto(`/plans/${planId}`)
  await dbaPage.getByRole('button', { name: 'Run… Schema upgrade' }).click()
  await dbaPage.getByRole('combobox', { name: 'Environment' }).selectOption({ label: `${env} (protected)` })
  await dbaPage.getByRole('button', { name: 'Start run' }).click()
  await dbaPage.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(dbaPage.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 60_000 })
  await dbaPage.screenshot({ path: testInfo.outputPath('2-dba-run-succeeded.png'), fullPage: true })
  await dbaContext.close()

  // The lead's plan page follows the run: active, the step done on production, the phase waiting only for its
  // required item; ticking it makes the phase done. One unit of three (item, two steps) was done by the run.
  await page.goto(`/plans/${planId}`)
  await expect(page.getByText('Plan status: Active')).toBeVisible()
  await expect(upgradeCard).toContainText('In progress')
  await expect(upgradeCard.getByTestId('phase-steps-done')).toHaveText(`1 of 1 step done on ${env}`)
  expect(await progressOf(page, 'Plan progress')).toBe('33')
  await upgradeCard.getByLabel('Tell support about the change').check()
  await expect(upgradeCard).toContainText(`Done: every step ran on ${env}`)
  await expect(upgradeCard.getByText('Phase status: Done')).toBeAttached()
  expect(await progressOf(page, 'Plan progress')).toBe('66')
  await page.screenshot({ path: testInfo.outputPath('3-lead-plan-after-run.png'), fullPage: true })

  // The plan list says the same.
  await page.goto(`/plans?q=${encodeURIComponent(title)}`)
  expect(await progressOf(page, `Progress of ${title}`)).toBe('66')
  await expect(page.getByRole('row').filter({ hasText: title })).toContainText('Active')

  // The stakeholder reads the portfolio and the report: the same figures, phase by phase, at desktop and phone width.
  const readerContext = await browser.newContext({ viewport: DESKTOP })
  const reader = await readerContext.newPage()
  await signIn(reader, stakeholder)
  await reader.goto('/reports')
  expect(await progressOf(reader, `${title}: progress`)).toBe('66')
  await reader.goto(`/plans/${planId}/report`)
  expect(await progressOf(reader, 'Plan progress')).toBe('66')
  const phases = reader.getByTestId('report-phases')
  await expect(phases.getByRole('row').filter({ hasText: 'Schema upgrade' })).toContainText('Done')
  await expect(phases.getByRole('row').filter({ hasText: 'Cutover' })).toContainText('Not started')
  await reader.screenshot({ path: testInfo.outputPath('4-stakeholder-report.png'), fullPage: true })
  for (const path of [`/plans/${planId}/report`, `/plans/${planId}`, '/plans', '/reports']) {
    await reader.setViewportSize(PHONE)
    await reader.goto(path)
    await expect(reader.getByRole('main')).toBeVisible()
    // Nothing runs off the side of a phone.
    expect(
      await reader.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0)
    await reader.screenshot({
      path: testInfo.outputPath(`5-stakeholder-phone${path.replaceAll('/', '-')}.png`),
      fullPage: true,
    })
  }
  await readerContext.close()
})
