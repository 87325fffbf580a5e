import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser } from './fixtures/db'
import { seedPhase, seedPlan } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { openStepForm } from './fixtures/plan-page'

// A lead's copy step from a PostgreSQL source with several schemas names the schemas to copy in the step form;
// the run page shows the tables outside public as schema.table and names the schema left out.

const [DDL = '', DATA = ''] = readFileSync(
  new URL('../lib/engine/copy/fixtures/multi-schema.sql', import.meta.url),
  'utf8',
).split('\n-- data\n')

test('a copy step names the schemas it copies; the run page shows schema.table and the schema left out', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(300_000)
  const dba = await seedUser('DBA')
  const suffix = randomUUID().slice(0, 8)
  const env = `schemas-${suffix}`
  const urlOf = (database: string) => {
    const url = new URL(appDatabaseUrl())
    url.pathname = `/${database}`
    return url
  }
  const [source, target] = [`e2e_shop_${suffix}`, `e2e_shop_next_${suffix}`]
  await query(`CREATE DATABASE ${source}`)
  await query(`CREATE DATABASE ${target}`)
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: urlOf(source).toString() })
  await client.connect()
  await client.query(DDL)
  await client.query(DATA)
  await client.end()
  const planId = await seedPlan(dba, { title: `Schemas ${suffix}` })
  await seedPhase(dba, planId, { name: 'Data Migration' })

  await signIn(page, dba)
  await page.goto('/connections')
  await page.getByRole('region', { name: 'Add an environment' }).getByLabel('Name').fill(env)
  await page.getByRole('button', { name: 'Add environment' }).click()
  await expect(page.getByTestId('environment').filter({ has: page.getByRole('heading', { name: env }) })).toBeVisible()
  await addOwnServerConnectionAsAdmin(browser, env, 'shop', `${urlOf(source)}?sslmode=disable`, 'Source')
  await addOwnServerConnectionAsAdmin(browser, env, 'shop-next', `${urlOf(target)}?sslmode=disable`, 'Target')

  await page.goto(`/plans/${planId}`)
  const mapping = page.getByTestId('plan-environment').filter({ hasText: env })
  await mapping.getByLabel('Copy from (source)').selectOption({ label: 'shop' })
  await mapping.getByLabel('Copy to (target)').selectOption({ label: 'shop-next' })
  await mapping.getByRole('button', { name: 'Save' }).click()
  await expect
    .poll(
      async () =>
        (
          await query(
            'SELECT 1 FROM "PlanEnvironment" WHERE "planId" = $1 AND "sourceConnectionId" IS NOT NULL AND "targetConnectionId" IS NOT NULL',
            [planId],
          )
        ).length,
    )
    .toBe(1)

  const phase = page.getByRole('region', { name: /Data Migration/ })
  await openStepForm(phase, '+ Add copy step…')
  await phase.getByLabel('Step name').fill('Copy the shop')
  await phase.getByLabel('Schemas (optional)').fill('public\ncrm')
  await phase.getByRole('button', { name: 'Add copy step' }).click()
  await expect(phase.getByTestId('step')).toContainText('every table · schemas public, crm · tables created')
  expect(
    await query<{ config: { schemas: string[] } }>(`SELECT "config" FROM "Step" WHERE "planId" = $1`, [planId]),
  ).toEqual([{ config: expect.objectContaining({ schemas: ['public', 'crm'] }) }])

  await page.getByRole('button', { name: 'Run… Data Migration' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 60_000 })
  const tables = page.getByTestId('copy-progress').getByRole('table', { name: 'Tables of Copy the shop' })
  await expect(tables.getByRole('row', { name: /^crm\.customer/ })).toContainText(/done.*300\s*300\s*0/)
  await expect(tables.getByRole('row', { name: /^note/ })).toContainText(/done.*40\s*40\s*0/)
  await page
    .getByTestId('copy-progress')
    .getByText(/warnings? about the schema/)
    .click()
  await expect(page.getByTestId('copy-progress')).toContainText(
    "Not chosen, so not copied: the source's tables in the schema sales (2 tables).",
  )
  await page.screenshot({ path: testInfo.outputPath('copy-schemas-run.png'), fullPage: true })

  const copied = new pg.Client({ connectionString: urlOf(target).toString() })
  await copied.connect()
  try {
    expect((await copied.query(`SELECT count(*)::int AS n FROM crm.customer`)).rows[0]?.n).toBe(300)
    expect((await copied.query(`SELECT to_regnamespace('sales') IS NULL AS absent`)).rows[0]?.absent).toBe(true)
  } finally {
    await copied.end()
  }
})
