import { expect, test } from '@playwright/test'
import pg from 'pg'
import { appDatabaseUrl, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// The HomeVerse demo end to end: the copy, then its validation (which needs the copied tables).
test.describe.configure({ mode: 'serial' })

test('a DBA copies the HomeVerse demo from SQLite in the browser: live per-table progress, pgloader-like summary, rejected rows to query', async ({
  page,
}, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: HomeVerse SQLite → PostgreSQL' }).click()
  const copyPhase = page.getByRole('region', { name: /Copy the data/ })
  await expect(copyPhase.getByTestId('step')).toContainText(['Copy HomeVerse into PostgreSQL'])
  await expect(copyPhase.getByTestId('step')).toContainText(
    'every table · tables created · 2 connections · up to 10 rejected rows',
  )
  // The form a person would use to change it: tables, mode, connections, chunk size, limit.
  await copyPhase.getByRole('button', { name: 'Edit “Copy HomeVerse into PostgreSQL”' }).click()
  await expect(copyPhase.getByLabel('Rejected rows allowed')).toHaveValue('10')
  await expect(copyPhase.getByRole('radio', { name: /Create the tables/ })).toBeChecked()
  await page.screenshot({ path: testInfo.outputPath('copy-step-form.png'), fullPage: true })
  await copyPhase.getByRole('button', { name: 'Close editor' }).click()

  await page.getByRole('button', { name: 'Run… Copy the data' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 60_000 })
  const progress = page.getByTestId('copy-progress')
  const tables = progress.getByRole('table', { name: 'Tables of Copy HomeVerse into PostgreSQL' })
  await expect(tables.getByRole('row', { name: /^applicants/ })).toContainText(/done.*3,000\s*2,997\s*3/)
  await expect(tables.getByRole('row', { name: /^Total/ })).toContainText('17,922')
  await expect(page.getByTestId('run-log')).toContainText('copied 17,917 rows in 8 tables')
  await expect(progress).toContainText('NOT VALID')

  // The rejected rows: every one with its table, key, column, value and reason; filtered by column.
  const rejects = page.getByTestId('copy-rejects')
  await expect(rejects.getByRole('table', { name: 'Rejected rows' }).getByRole('row')).toHaveCount(6)
  await expect(rejects).toContainText('“two” is not a whole number (column type bigint)')
  await expect(rejects).toContainText('pasted from a PDF\\0with a NUL byte')
  await rejects.getByRole('combobox').selectOption({ label: 'applicants.household_size (2)' })
  await expect(rejects.getByRole('table', { name: 'Rejected rows' }).getByRole('row')).toHaveCount(3)
  await page.screenshot({ path: testInfo.outputPath('copy-run.png'), fullPage: true })
  // On a phone the copy's tables scroll inside their regions; the page itself does not grow sideways.
  await page.setViewportSize(PHONE)
  await expect(tables.getByRole('row', { name: /^Total/ })).toContainText('17,922')
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
  await page.screenshot({ path: testInfo.outputPath('copy-run-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  const demoUrl = new URL(appDatabaseUrl())
  demoUrl.pathname = '/lockstep_demo'
  const demo = new pg.Client({ connectionString: demoUrl.toString() })
  await demo.connect()
  try {
    expect((await demo.query('SELECT count(*)::int AS n FROM applicants')).rows[0]?.n).toBe(2997)
    expect(
      (
        await demo.query(
          `SELECT data_type FROM information_schema.columns WHERE table_name = 'applicants' AND column_name = 'created_at'`,
        )
      ).rows[0]?.data_type,
    ).toBe('timestamp with time zone')
  } finally {
    await demo.end()
  }
})

test('the copied data is validated: the validate step finds exactly the rejected rows and the orphans, criteria are decided with evidence, rules and validations on demand work', async ({
  page,
  browser,
}, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: HomeVerse SQLite → PostgreSQL' }).click()
  const verify = page.getByRole('region', { name: /Verify/ })
  await expect(verify.getByTestId('step').first()).toContainText('Compare the target with the source')
  await page.getByRole('button', { name: 'Run… Verify' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Failed', { timeout: 60_000 })
  const report = page.getByTestId('validation-report')
  await expect(report).toContainText('differences found')
  const tables = report.getByRole('table', { name: 'Tables compared' })
  await expect(tables.getByRole('row', { name: /^applicants/ })).toContainText(/3,000\s*2,997\s*mismatched\s*3/)
  await expect(tables.getByRole('row', { name: /^companies/ })).toContainText('validated')
  await tables.getByRole('button', { name: 'Show 3 differing rows' }).click()
  const rows = report.getByRole('list', { name: 'Differing rows of applicants' })
  await expect(rows.getByRole('listitem')).toHaveCount(3)
  await expect(rows).toContainText('missing on the target')
  await expect(rows).toContainText('does not fit the target column')
  await expect(report).toContainText(/orphaned rows? in matches/)
  await page.screenshot({ path: testInfo.outputPath('validate-step-run.png'), fullPage: true })

  // The validation page: the step's validation in the history, the bound criteria decided by it.
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: HomeVerse SQLite → PostgreSQL' }).click()
  await page.getByRole('link', { name: 'Validation', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Validation', exact: true })).toBeVisible()
  const criteria = page.getByRole('region', { name: 'Success criteria decided by validation' })
  await expect(criteria.getByRole('listitem').filter({ hasText: 'Row counts match on every table' })).toContainText(
    /not met.*Bound to: all tables’ row counts match.*this validation/s,
  )
  await expect(criteria.getByRole('listitem').filter({ hasText: 'No orphaned rows on the target' })).toContainText(
    'not met',
  )

  // A rule that is not one SELECT is refused with the reason; a good one is kept.
  const rules = page.getByRole('region', { name: 'Custom rules' })
  await rules.getByLabel('Rule name').fill('Users have an email')
  await rules.getByLabel('Query returning the violating rows').fill('DELETE FROM users')
  await rules.getByRole('button', { name: 'Add rule' }).click()
  await expect(
    rules.getByText('A rule is one SELECT query returning the violating rows; this is not a SELECT.'),
  ).toBeVisible()
  await rules.getByLabel('Query returning the violating rows').fill("SELECT id FROM users WHERE email NOT LIKE '%@%'")
  await rules.getByRole('button', { name: 'Add rule' }).click()
  await expect(rules.getByRole('listitem').filter({ hasText: 'Users have an email' })).toContainText(
    'fails the validation',
  )

  // On demand, for the tables that copied whole: all match; a selection of tables leaves the criteria as they were.
  await page.getByLabel('Tables (optional)').fill('companies\nusers')
  await page.getByRole('button', { name: 'Validate now' }).click()
  await page.waitForURL(/validation\?v=/)
  const onDemand = page.getByTestId('validation-report')
  await expect(onDemand).toContainText('all match', { timeout: 30_000 })
  // The history follows the same live result without a reload: its row no longer says queued with 0 tables.
  const history = page.getByRole('table', { name: 'Validations of this plan' })
  await expect(history.getByRole('row').filter({ has: page.locator('a[aria-current="true"]') })).toContainText(
    /all match\s*2\s*–/,
  )
  await expect(onDemand.getByRole('table', { name: 'Tables compared' }).getByRole('row')).toHaveCount(3)
  await expect(onDemand).toContainText('Users have an email')
  await page.reload()
  await expect(onDemand).toContainText('success criteria are decided by validations of every table')
  await expect(criteria.getByRole('listitem').filter({ hasText: 'Row counts match on every table' })).toContainText(
    'not met',
  )
  await expect(page.getByRole('table', { name: 'Validations of this plan' }).getByRole('row')).toHaveCount(3)
  await page.screenshot({ path: testInfo.outputPath('validation-page.png'), fullPage: true })

  // A stakeholder reads the results but has no way to validate or change rules and bindings.
  const stakeholder = await seedUser('STAKEHOLDER')
  const context = await browser.newContext()
  const reader = await context.newPage()
  await signIn(reader, stakeholder)
  await reader.goto(page.url())
  await expect(reader.getByTestId('validation-report')).toContainText('all match')
  await expect(reader.getByRole('button', { name: 'Validate now' })).toHaveCount(0)
  await expect(reader.getByRole('button', { name: 'Add rule' })).toHaveCount(0)
  await expect(reader.getByRole('combobox', { name: 'Decided by' })).toHaveCount(0)
  await context.close()
})
