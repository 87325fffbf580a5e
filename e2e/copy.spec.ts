import { expect, test } from '@playwright/test'
import pg from 'pg'
import { appDatabaseUrl, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'

test('a DBA copies the HomeVerse demo from SQLite in the browser: live per-table progress, pgloader-like summary, rejected rows to query', async ({ page }, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba.email, dba.password)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: HomeVerse SQLite → PostgreSQL' }).click()
  const copyPhase = page.getByRole('region', { name: /Copy the data/ })
  await expect(copyPhase.getByTestId('step')).toContainText(['Copy HomeVerse into PostgreSQL'])
  await expect(copyPhase.getByTestId('step')).toContainText('every table · tables created · 2 connections · up to 10 rejected rows')
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

  const demoUrl = new URL(appDatabaseUrl())
  demoUrl.pathname = '/lockstep_demo'
  const demo = new pg.Client({ connectionString: demoUrl.toString() })
  await demo.connect()
  try {
    expect((await demo.query('SELECT count(*)::int AS n FROM applicants')).rows[0]?.n).toBe(2997)
    expect((await demo.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'applicants' AND column_name = 'created_at'`)).rows[0]?.data_type).toBe('timestamp with time zone')
  } finally {
    await demo.end()
  }
})
