import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import Database from 'better-sqlite3'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, auditEvents, query, seedUser, type SeededUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'
import { openStepForm } from './fixtures/plan-page'

// A lead builds a zero-downtime move in the browser – a sync step (change capture confirmed), then a cutover
// phase with the manual gate “Stop writes to the source” – and runs it while an application keeps writing to
// the SQLite source: the run page shows the lag live, the cutover switches after the gate and shows its
// downtime, the source file keeps nothing of the sync, and a stakeholder reads it all without ending anything.

// An initial copy, followers that apply a writer's changes, a drain and an exact validation, on a loaded machine.
test.describe.configure({ timeout: 300_000 })
test.afterAll(() => stopWriters())

type SyncPlan = { planId: string; env: string; file: string; targetUrl: string; targetId: string }

/** A lead on the page of a new plan of their own with a SQLite source and a target, its phases empty. */
async function openNewSyncPlan(page: Page, browser: Browser): Promise<SyncPlan> {
  const lead = await seedUser('LEAD')
  const plan = await seedSyncPlan(browser, lead)
  await signIn(page, lead)
  await page.goto(`/plans/${plan.planId}`)
  return plan
}

async function seedSyncPlan(browser: Browser, owner: SeededUser): Promise<SyncPlan> {
  const suffix = randomUUID().slice(0, 8)
  const env = `sync-${suffix}`
  const name = `shop-${suffix}.db`
  const file = join(E2E.dataDir, 'sqlite', name)
  const shop = new Database(file)
  shop.pragma('journal_mode = WAL')
  shop.exec(`CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, since DATETIME);
             CREATE TABLE "order" (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), note TEXT, total NUMERIC);`)
  shop.transaction(() => {
    for (let c = 1; c <= 50; c++)
      shop.prepare('INSERT INTO customer VALUES (?, ?, ?)').run(c, `Customer ${c}`, '2025-03-01 08:00:00')
    for (let o = 1; o <= 5_000; o++)
      shop.prepare('INSERT INTO "order" VALUES (?, ?, ?, ?)').run(o, (o % 50) + 1, `order ${o}`, o * 1.25)
  })()
  shop.close()
  const database = `e2e_sync_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const target = new URL(appDatabaseUrl())
  target.pathname = `/${database}`
  const environmentId = await seedEnvironment(env)
  // Raw: createConnection checks the file against the server's SQLite directory, a setting this process lacks.
  const [source] = await query<{ id: string }>(
    `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "filePath", "updatedAt") VALUES (gen_random_uuid(), $1, 'shop file', 'SQLITE', 'SOURCE', $2, now()) RETURNING "id"`,
    [environmentId, name],
  )
  await addOwnServerConnectionAsAdmin(browser, env, 'shop target', `${target}?sslmode=disable`)
  const [targetConnection] = await query<{ id: string }>(
    `SELECT "id" FROM "Connection" WHERE "environmentId" = $1 AND "role" = 'TARGET'`,
    [environmentId],
  )
  const planId = await seedPlan(owner, { title: `Zero-downtime move ${suffix}` })
  await seedPhase(owner, planId, { name: 'Keep in sync' })
  await seedPhase(owner, planId, { name: 'Cut over' })
  await seedPlanEnvironment(owner, planId, environmentId, {
    sourceConnectionId: source?.id,
    targetConnectionId: targetConnection?.id,
  })
  return { planId, env, file, targetUrl: target.toString(), targetId: targetConnection?.id ?? '' }
}

/** The number a figure of the sync panel shows (“1,234” → 1234). */
const figure = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).first().textContent())?.replace(/[^\d]/g, '') || 0)

async function runPhase(page: Page, phase: string, env: string) {
  await page.getByRole('button', { name: `Run… ${phase}` }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  return page.url()
}

test('a lead syncs a SQLite source while an application writes, watches the lag live, and cuts over after the gate with the downtime shown; a stakeholder reads the sync but cannot end it', async ({
  page,
  browser,
}, testInfo) => {
  const plan = await openNewSyncPlan(page, browser)

  // The sync step: its own copy settings (the plan has no copy step to follow), the capture confirmed.
  const syncPhase = page.getByRole('region', { name: /Keep in sync/ })
  await openStepForm(syncPhase, '+ Add sync step…')
  await expect(syncPhase.getByRole('radio', { name: /Follow the copy step/ })).toBeDisabled()
  await expect(syncPhase.getByRole('radio', { name: 'Its own copy settings' })).toBeChecked()
  await syncPhase.getByLabel('Step name').fill('Keep the shop in sync')
  const capture = syncPhase.getByRole('checkbox', { name: /Changes may be captured in the source/ })
  await expect(capture).toHaveAttribute('required', '')
  await expect(syncPhase).toContainText('_lockstep_sync_…')
  await capture.check()
  await syncPhase.screenshot({ path: testInfo.outputPath('sync-step-form.png') })
  await page.setViewportSize({ width: 390, height: 844 })
  await capture.scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('sync-step-form-phone.png') })
  await page.setViewportSize({ width: 1280, height: 800 })
  await syncPhase.getByRole('button', { name: 'Add sync step' }).click()
  await expect(syncPhase.getByTestId('step')).toContainText(
    'every table · tables created · 2 connections · no rejected rows allowed · change capture in the source confirmed',
  )

  // The cutover phase: the gate that marks when writes stopped, then the cutover step.
  const cutPhase = page.getByRole('region', { name: /Cut over/ })
  await openStepForm(cutPhase, '+ Add manual gate…')
  await cutPhase.getByLabel('Gate name').fill('Stop writes to the source')
  await cutPhase.getByRole('button', { name: 'Add gate' }).click()
  await expect(cutPhase.getByTestId('step')).toHaveCount(1)
  await openStepForm(cutPhase, '+ Add cutover step…')
  await expect(cutPhase.getByLabel('Sync step it ends')).toHaveValue('')
  await expect(cutPhase.getByLabel('Quiet seconds')).toHaveValue('10')
  await cutPhase.getByLabel('Step name').fill('Cut over to PostgreSQL')
  await cutPhase.getByRole('button', { name: 'Add cutover step' }).click()
  await expect(cutPhase.getByTestId('step').nth(1)).toContainText(
    'ends the plan’s only sync · after a released gate before it, or 10 s without changes',
  )
  const [saved] = await query<{ config: { captureConfirmed?: boolean } }>(
    `SELECT "config" FROM "Step" WHERE "planId" = $1 AND "kind" = 'SYNC'`,
    [plan.planId],
  )
  expect(saved?.config.captureConfirmed).toBe(true)

  // The sync phase: the initial copy, then the sync handed to the followers.
  const syncRun = await runPhase(page, 'Keep in sync', plan.env)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 120_000 })
  await expect(page.getByTestId('copy-progress')).toContainText('customer')
  const panel = page.getByTestId('sync-panel')
  await expect(panel.getByTestId('sync-status')).toHaveText('Following', { timeout: 30_000 })
  await expect(panel.getByRole('button', { name: 'End sync…' })).toHaveCount(0)

  // An application writes; the page shows the changes applied as they go, and so does the database.
  const writer = startWriter(['--sqlite', plan.file, '--table', 'order', '--column', 'note', '--rate', '50'])
  await writer.started(() => {
    const shop = new Database(plan.file, { readonly: true })
    const n = (shop.prepare('SELECT max(id) AS n FROM "order"').get() as { n: number }).n
    shop.close()
    return n > 5_000
  })
  await expect.poll(() => figure(page, 'sync-applied'), { timeout: 60_000 }).toBeGreaterThan(20)
  const seen = await figure(page, 'sync-applied')
  await expect.poll(() => figure(page, 'sync-applied'), { timeout: 30_000 }).toBeGreaterThan(seen)
  await expect(panel.getByTestId('sync-lag')).toHaveText(/ s behind$/)
  await expect(panel.getByTestId('sync-not-live')).toHaveCount(0)
  await expect
    .poll(
      async () =>
        Number(
          (
            await query<{ n: string }>(`SELECT "appliedChanges"::text AS n FROM "Sync" WHERE "planId" = $1`, [
              plan.planId,
            ])
          )[0]?.n ?? 0,
        ),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(seen)
  await page.screenshot({ path: testInfo.outputPath('sync-run-desktop.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await panel.scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('sync-run-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  // The target's monitoring names the sync into it, with its lag.
  const monitor = await page.context().newPage()
  await monitor.goto(`/connections/${plan.targetId}/monitor`)
  const into = monitor.getByTestId('connection-syncs')
  await expect(into.getByRole('heading', { name: 'Syncs into this database' })).toBeVisible()
  await expect(into).toContainText(/Keep the shop in sync.* s behind/)
  await into.screenshot({ path: testInfo.outputPath('monitor-syncs.png') })
  await monitor.close()

  // A stakeholder reads the same sync and has nothing to end; a DBA is offered the end of it.
  for (const [role, canEnd] of [
    ['STAKEHOLDER', false],
    ['DBA', true],
  ] as const) {
    const context = await browser.newContext()
    const other = await context.newPage()
    await signIn(other, await seedUser(role))
    await other.goto(syncRun)
    const seenBy = other.getByTestId('sync-panel')
    await expect(seenBy.getByTestId('sync-status')).toHaveText('Following')
    await expect(seenBy.getByTestId('sync-applied')).toHaveText(/\d/)
    await expect(seenBy.getByRole('button', { name: 'End sync…' })).toHaveCount(canEnd ? 1 : 0)
    await context.close()
  }

  // Every table validated while the application writes and the sync follows: recorded on the target, so the
  // cutover compares only the rows changed after it.
  await page.goto(`/plans/${plan.planId}/validation`)
  const environment = page.getByRole('combobox', { name: 'Environment' })
  if (await environment.count()) await environment.selectOption({ label: plan.env })
  await page.getByRole('button', { name: 'Validate now' }).click()
  await page.waitForURL(/validation\?v=/)
  await expect(page.getByTestId('validation-report')).toContainText(
    'the cutover compares only the rows changed after it began',
    { timeout: 120_000 },
  )

  const written = await writer.stop()
  expect(written.inserts + written.updates + written.deletes).toBeGreaterThan(0)

  // The plan's syncs, live on the plan page.
  await page.goto(`/plans/${plan.planId}`)
  const syncs = page.getByTestId('plan-sync')
  await expect(syncs).toHaveCount(1)
  await expect(syncs).toContainText('Keep the shop in sync')
  await expect(syncs.getByTestId('sync-status')).toHaveText('Following')

  // The cutover phase: waits at the gate; released, it drains, validates and switches.
  await runPhase(page, 'Cut over', plan.env)
  await expect(page.getByRole('heading', { name: 'Waiting at “Stop writes to the source”' })).toBeVisible({
    timeout: 60_000,
  })
  await page.getByRole('button', { name: 'Release gate…' }).click()
  await page.getByRole('button', { name: 'Release', exact: true }).click()
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 120_000 })
  const cutover = page.getByTestId('cutover-panel')
  await expect(cutover.getByRole('list', { name: 'Cutover stages' })).toContainText('Switched')
  await expect(cutover.getByTestId('cutover-downtime')).toContainText(/Downtime\s*[\d.]+ (s|min)/)
  await expect(cutover.getByTestId('cutover-writes-stopped')).toContainText(
    'when the manual gate before the cutover was released',
  )
  await expect(cutover.getByRole('link', { name: 'Open the final validation' })).toBeVisible()
  await expect(page.getByTestId('run-log')).toContainText(
    /A validation passed while the sync followed: comparing the [\d,]+ rows? changed since/,
  )
  await expect(page.getByTestId('sync-panel').getByTestId('sync-status')).toHaveText('Switched')
  await page.screenshot({ path: testInfo.outputPath('cutover-run-desktop.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await cutover.scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('cutover-run-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })
  await cutover.getByRole('link', { name: 'Open the final validation' }).click()
  await expect(page.getByTestId('validation-report')).toContainText('all match')
  await expect(page.getByRole('table', { name: 'Tables compared' })).toContainText(
    'count, and the rows changed since the last full validation',
  )
  // The whole page: the report re-renders as its live query settles, and an element taken mid-render is detached.
  await page.screenshot({ path: testInfo.outputPath('cutover-validation.png'), fullPage: true })

  const [sync] = await query<{ status: string; downtimeMs: number | null }>(
    `SELECT "status"::text AS "status", "downtimeMs" FROM "Sync" WHERE "planId" = $1`,
    [plan.planId],
  )
  expect(sync?.status).toBe('SWITCHED')
  expect(sync?.downtimeMs).toBeGreaterThan(0)
  const shop = new Database(plan.file, { readonly: true })
  try {
    expect(
      shop.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '\\_lockstep\\_sync%' ESCAPE '\\'`).all(),
    ).toEqual([])
  } finally {
    shop.close()
  }

  // Stakeholders read the downtime in the status report.
  const context = await browser.newContext()
  const stakeholder = await context.newPage()
  await signIn(stakeholder, await seedUser('STAKEHOLDER'))
  await stakeholder.goto(`/plans/${plan.planId}/report`)
  await expect(stakeholder.getByTestId('report-cutover')).toContainText(
    /Cut over on .* UTC \(.*, “Keep the shop in sync”\) with [\d.]+ (s|min).* of downtime/,
  )
  await stakeholder.getByTestId('report-cutover').screenshot({ path: testInfo.outputPath('report-cutover.png') })
  await stakeholder.goto(`/plans/${plan.planId}`)
  await expect(stakeholder.getByTestId('plan-sync')).toContainText(/Switched.*[\d.]+ s/)
  await stakeholder.getByTestId('plan-syncs').screenshot({ path: testInfo.outputPath('plan-syncs.png') })
  await context.close()
})

test('a DBA ends a sync from the run page once the phrase is typed: the target stops following and the source file keeps nothing of it', async ({
  page,
  browser,
}) => {
  const plan = await openNewSyncPlan(page, browser)
  const syncPhase = page.getByRole('region', { name: /Keep in sync/ })
  await openStepForm(syncPhase, '+ Add sync step…')
  await syncPhase.getByLabel('Step name').fill('Follow the shop')
  await syncPhase.getByRole('checkbox', { name: /Changes may be captured in the source/ }).check()
  await syncPhase.getByRole('button', { name: 'Add sync step' }).click()
  await expect(syncPhase.getByTestId('step')).toHaveCount(1)
  const syncRun = await runPhase(page, 'Keep in sync', plan.env)
  await expect(page.getByTestId('sync-panel').getByTestId('sync-status')).toHaveText('Following', {
    timeout: 120_000,
  })

  const context = await browser.newContext()
  const dba = await context.newPage()
  await signIn(dba, await seedUser('DBA'))
  await dba.goto(syncRun)
  const panel = dba.getByTestId('sync-panel')
  await panel.getByRole('button', { name: 'End sync…' }).click()
  const dialog = dba.getByRole('dialog')
  await expect(dialog).toContainText('changes made on the source from now on do not reach it')
  const confirm = dialog.getByRole('button', { name: 'End sync', exact: true })
  await expect(confirm).toBeDisabled()
  await dialog.getByLabel('Confirmation phrase').fill('end it')
  await expect(confirm).toBeDisabled()
  await dialog.getByLabel('Confirmation phrase').fill('end sync')
  await confirm.click()
  await expect(panel.getByTestId('sync-status')).toHaveText('Ended')
  await expect(panel.getByRole('button', { name: 'End sync…' })).toHaveCount(0)
  await context.close()

  const [sync] = await query<{ id: string; status: string; endedById: string | null }>(
    `SELECT "id", "status"::text AS "status", "endedById" FROM "Sync" WHERE "planId" = $1`,
    [plan.planId],
  )
  expect([sync?.status, sync?.endedById !== null]).toEqual(['ENDED', true])
  expect((await auditEvents(sync?.id ?? '')).map((e) => e.action)).toEqual(['sync.end'])
  // The next worker takes the triggers and change table out of the file.
  await expect
    .poll(
      () => {
        const shop = new Database(plan.file, { readonly: true })
        try {
          return shop.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '\\_lockstep%' ESCAPE '\\'`).all().length
        } finally {
          shop.close()
        }
      },
      { timeout: 30_000 },
    )
    .toBe(0)
})
