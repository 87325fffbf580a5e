import { randomUUID } from 'node:crypto'
import { expect, test, type Browser, type Locator, type Page, type TestInfo } from '@playwright/test'
import pg from 'pg'
import { appDatabaseUrl, auditEvents, query, seedUser, type SeededUser } from './fixtures/db'
import { signIn } from './fixtures/session'

// Live monitoring during a demo run: the DBA's view moves every 2 seconds (charts, the observation's
// progress), shows a session blocking another with both statements, and terminates the blocker after a
// typed confirmation; a stakeholder watches the same view without statements and without the controls.

const pointsOf = async (chart: Locator) => Number(await chart.getAttribute('data-points'))

test('a DBA watches the demo run live and terminates a blocking session; a stakeholder sees the charts but no controls', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000)
  const dba = await seedUser('DBA')
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, dba)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  await expect(page.getByRole('region', { name: /Watch after the switch/ }).getByTestId('step')).toContainText(
    'watches the target for 2 min',
  )
  await page.getByRole('button', { name: 'Run… Watch after the switch' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  const runUrl = page.url()
  try {
    await watchAndTerminate(page, browser, runUrl, dba, stakeholder, testInfo)
  } finally {
    // An observation holds its run for minutes: whatever happened above, it must not outlive this test.
    await query(`UPDATE "Run" SET "cancelRequested" = true WHERE "id" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [
      runUrl.split('/').pop(),
    ])
  }
})

async function watchAndTerminate(
  page: Page,
  browser: Browser,
  runUrl: string,
  dba: SeededUser,
  stakeholder: SeededUser,
  testInfo: TestInfo,
) {
  await page.getByRole('link', { name: 'Monitoring' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}\/monitor$/)

  // The charts gain a point every 2 seconds and the observation's bar advances.
  const chart = page.getByRole('figure', { name: 'Transactions per second' })
  await expect.poll(() => pointsOf(chart), { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
  const before = await pointsOf(chart)
  await expect.poll(() => pointsOf(chart), { timeout: 10_000 }).toBeGreaterThan(before)
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible()
  // Straight lines between samples (no curve invents values between them), and the legend in the caption's order.
  expect(await chart.locator('.recharts-line-curve').first().getAttribute('d')).toMatch(/^(?:[ML][\d.,\s-]+)+$/)
  await expect(page.getByRole('figure', { name: 'Sessions' }).locator('.recharts-legend-item-text')).toHaveText([
    'Connections',
    'Active sessions',
    'Sessions waiting for a lock',
  ])
  // An observe-only run copies nothing: no rows to count.
  await expect(page.getByTestId('run-steps-done')).toBeVisible()
  await expect(page.getByTestId('run-rows-copied')).toHaveCount(0)
  const bar = page.getByRole('progressbar', { name: 'Observation Watch the orders database' })
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0)
  const progress = Number(await bar.getAttribute('aria-valuenow'))
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 })
    .toBeGreaterThan(progress)
  await expect(page.getByTestId('monitor-summary')).toContainText('Healthy')
  await expect(page.getByRole('region', { name: 'Rollback triggers' })).toContainText('error_rate_percent > 5 for 30 s')

  // An application's session holds a lock on orders while another waits for it.
  const app = `e2e_app_${randomUUID().slice(0, 8)}`
  await query(`CREATE ROLE ${app} LOGIN PASSWORD 'app password'`)
  // The demo role holds nothing server-wide (no pg_monitor, no pg_signal_backend): to see the application's
  // statements and waits and to end its sessions it is granted the application's role, as a DBA would.
  await query(`GRANT ${app} TO lockstep_demo`)
  const demoUrl = new URL(appDatabaseUrl())
  demoUrl.pathname = '/lockstep_demo'
  const admin = new pg.Client({ connectionString: demoUrl.toString() })
  await admin.connect()
  await admin.query(`GRANT SELECT, UPDATE ON orders TO ${app}; GRANT USAGE ON SCHEMA public TO ${app}`)
  await admin.end()
  demoUrl.username = app
  demoUrl.password = 'app password'
  const holder = new pg.Client({ connectionString: demoUrl.toString(), application_name: 'e2e holder' })
  const waiter = new pg.Client({ connectionString: demoUrl.toString(), application_name: 'e2e waiter' })
  holder.on('error', () => undefined)
  await Promise.all([holder.connect(), waiter.connect()])
  try {
    await holder.query('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number
    const waiting = waiter.query('SELECT count(*) AS n FROM orders')
    const row = page.getByTestId('lock-row')
    await expect(row).toHaveCount(1, { timeout: 15_000 })
    await expect(row).toContainText(`pid ${holderPid}`)
    await expect(row).toContainText('SELECT count(*) AS n FROM orders')
    await expect(row).toContainText('Lock: relation')
    await page.screenshot({ path: testInfo.outputPath('monitor-dba.png'), fullPage: true })

    // The stakeholder's view of the same run: charts and the lock, no statements, no controls.
    const context = await browser.newContext()
    const other = await context.newPage()
    await signIn(other, stakeholder)
    await other.goto(`${runUrl}/monitor`)
    await expect(other.getByRole('figure', { name: 'Transactions per second' })).toBeVisible()
    await expect
      .poll(() => pointsOf(other.getByRole('figure', { name: 'Sessions' })), { timeout: 10_000 })
      .toBeGreaterThan(0)
    await expect(other.getByTestId('lock-row')).toContainText(`pid ${holderPid}`)
    await expect(other.getByTestId('lock-row')).toContainText('statement hidden')
    await expect(other.getByRole('button', { name: /Terminate|Cancel statement/ })).toHaveCount(0)
    await other.screenshot({ path: testInfo.outputPath('monitor-stakeholder.png'), fullPage: true })
    await context.close()

    // The DBA terminates the blocker after typing the confirmation; the waiting query goes through.
    await row.getByRole('button', { name: 'Terminate…' }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog.getByRole('button', { name: 'Terminate session' })).toBeDisabled()
    await dialog.getByRole('textbox', { name: 'Confirmation phrase' }).fill(`terminate ${holderPid}`)
    await dialog.getByRole('button', { name: 'Terminate session' }).click()
    await expect(page.getByText(`Session ${holderPid} was terminated.`)).toBeVisible()
    expect((await waiting).rows).toHaveLength(1)
    await expect(page.getByTestId('lock-row')).toHaveCount(0, { timeout: 10_000 })
    const [connection] = await query<{ id: string }>(
      `SELECT "id" FROM "Connection" WHERE "name" = 'Demo orders database'`,
    )
    expect(await auditEvents(connection?.id ?? '')).toContainEqual(
      expect.objectContaining({ action: 'session.terminate', actorLabel: dba.email }),
    )
  } finally {
    await Promise.all([holder.end().catch(() => undefined), waiter.end()])
  }

  // The run is cancelled so the worker moves on (an observation holds it for its whole duration).
  await page.goto(runUrl)
  await page.getByRole('button', { name: 'Cancel run' }).click()
  await expect(page.getByTestId('run-summary')).toContainText('Cancelled', { timeout: 15_000 })
}

test('a connection is sampled while its monitoring view is open; the plan shows its health and takes measurable triggers', async ({
  page,
}, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto('/connections')
  await page.getByRole('link', { name: 'Monitor Demo orders database' }).click()
  await page.waitForURL(/\/connections\/[0-9a-f-]{36}\/monitor$/)
  // No run and no window: the open view alone has the worker sample the connection.
  const chart = page.getByRole('figure', { name: 'Sessions' })
  await expect.poll(() => pointsOf(chart), { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
  await expect(page.getByTestId('monitor-summary')).toContainText('live · sampled every 2 s')
  await page.getByRole('link', { name: '5 min', exact: true }).click()
  await expect(page.getByRole('link', { name: '5 min', exact: true })).toHaveAttribute('aria-current', 'page')
  await expect
    .poll(() => pointsOf(page.getByRole('figure', { name: 'Sessions' })), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(3)
  await page.screenshot({ path: testInfo.outputPath('connection-monitor.png'), fullPage: true })

  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  await expect(page.getByTestId('plan-health')).toContainText(/(Healthy|Degraded).*on demo/)
  await page.screenshot({ path: testInfo.outputPath('plan-health.png') })
  const triggers = page.getByRole('region', { name: 'Success criteria and rollback triggers' })
  await page.getByLabel('New rollback trigger').fill('Deadlocks appear')
  await page.getByRole('combobox', { name: 'Metric (optional)' }).selectOption({ label: 'Deadlocks' })
  await page.getByRole('combobox', { name: 'Is', exact: true }).selectOption({ label: '>' })
  await page.getByLabel('Threshold', { exact: true }).fill('0')
  await page.getByLabel('For (seconds)').fill('10')
  await page.getByRole('button', { name: 'Add trigger' }).click()
  await expect(page.getByText('deadlocks > 0 for 10 s')).toBeVisible()
  await triggers.screenshot({ path: testInfo.outputPath('plan-triggers.png') })
})
