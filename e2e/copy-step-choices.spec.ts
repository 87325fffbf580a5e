import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { queryDatabase } from '@/lib/testing/query-database'
import { expect, test, type Browser, type Page } from '@playwright/test'
import Database from 'better-sqlite3'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser, type SeededUser } from './fixtures/db'
import { seedCopyStep, seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'
import { openStepForm } from './fixtures/plan-page'

// A copy step of a plan of its own, from a SQLite file into a fresh database on Lockstep's server: what the
// run page says about the schema objects the copy did not recreate, and the choice a copy into the
// application's own tables makes for the rows its migrations seeded.

const SQLITE_SCHEMA = `CREATE TABLE role (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, role_id INTEGER NOT NULL REFERENCES role (id), created TEXT NOT NULL);
INSERT INTO role VALUES (1, 'owner'), (2, 'member');
INSERT INTO account VALUES (10, 'ann@example.com', 1, '2024-05-01'), (11, 'bob@example.com', 2, '2024-05-02'), (12, 'cy@example.com', 2, '2024-05-03');`

/** The application's own migrations on the target: the same tables, with two roles seeded. */
const TARGET_MIGRATIONS = `CREATE TABLE role (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL, role_id bigint NOT NULL REFERENCES role (id), created text NOT NULL);
INSERT INTO role VALUES (1, 'admin'), (99, 'guest');`

// Each test seeds a plan, adds a connection as an admin and runs a copy (or two) on a loaded machine.
test.describe.configure({ timeout: 300_000 })

type CopyPlan = { planId: string; env: string; targetUrl: string }

/** A plan with a "Copy" phase whose environment maps a SQLite source (`sqlite`) to a fresh target (`targetSql` run on it). */
async function seedCopyPlan(browser: Browser, owner: SeededUser, sqlite: string, targetSql: string): Promise<CopyPlan> {
  const suffix = randomUUID().slice(0, 8)
  const env = `copy-${suffix}`
  const file = `app-${suffix}.db`
  const source = new Database(join(E2E.dataDir, 'sqlite', file))
  source.exec(sqlite)
  source.close()
  const database = `e2e_copy_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const target = new URL(appDatabaseUrl())
  target.pathname = `/${database}`
  const targetUrl = target.toString()
  if (targetSql) await queryDatabase(targetUrl, targetSql)
  const environmentId = await seedEnvironment(env)
  // Raw: createConnection checks the file against the server's SQLite directory, a setting this process lacks.
  await query(
    `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "filePath", "updatedAt") VALUES (gen_random_uuid(), $1, 'app file', 'SQLITE', 'SOURCE', $2, now())`,
    [environmentId, file],
  )
  // The target is on Lockstep's own server: only an admin may allow that, in the connections page.
  await addOwnServerConnectionAsAdmin(browser, env, 'target', `${targetUrl}?sslmode=disable`)
  const planId = await seedPlan(owner, { title: `Copy plan ${suffix}` })
  await seedPhase(owner, planId, { name: 'Copy' })
  const connections = await query<{ id: string; role: string }>(
    `SELECT "id", "role"::text AS "role" FROM "Connection" WHERE "environmentId" = $1`,
    [environmentId],
  )
  await seedPlanEnvironment(owner, planId, environmentId, {
    sourceConnectionId: connections.find((c) => c.role === 'SOURCE')?.id,
    targetConnectionId: connections.find((c) => c.role === 'TARGET')?.id,
  })
  return { planId, env, targetUrl }
}

/** Starts the "Copy" phase on the plan's environment and waits on the run page for its end. */
async function runCopyPhase(page: Page, plan: CopyPlan, outcome: 'Succeeded' | 'Failed') {
  await page.goto(`/plans/${plan.planId}`)
  await page.getByRole('button', { name: 'Run… Copy' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: plan.env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText(outcome, { timeout: 120_000 })
}

test('the run page lists the SQLite objects a copy did not recreate, each with its reason, and not the ones it did', async ({
  page,
  browser,
}, testInfo) => {
  const dba = await seedUser('DBA')
  const objects = `CREATE INDEX account_email ON account (email) WHERE email <> '';
CREATE VIEW account_roles AS SELECT a.id, a.email, r.name AS role FROM account a JOIN role r ON r.id = a.role_id;
CREATE VIEW recent_accounts AS SELECT id, email FROM account WHERE created > date('now', '-7 days');
CREATE TRIGGER account_lowercase AFTER INSERT ON account BEGIN UPDATE account SET email = lower(NEW.email) WHERE id = NEW.id; END;`
  const plan = await seedCopyPlan(browser, dba, `${SQLITE_SCHEMA}\n${objects}`, '')
  const [phase] = await query<{ id: string }>(`SELECT "id" FROM "Phase" WHERE "planId" = $1`, [plan.planId])
  await seedCopyStep(dba, phase?.id ?? '', 'Copy the app')

  await signIn(page, dba)
  await runCopyPhase(page, plan, 'Succeeded')
  const progress = page.getByTestId('copy-progress')
  await expect(
    progress.getByRole('table', { name: 'Tables of Copy the app' }).getByRole('row', { name: /^Total/ }),
  ).toContainText('5')
  const notCopied = progress.getByTestId('copy-not-copied')
  await expect(notCopied.locator('summary')).toHaveText('2 objects of the source not copied')
  await notCopied.locator('summary').click()
  const items = notCopied.getByRole('listitem')
  await expect(items).toHaveCount(2)
  await expect(items.filter({ hasText: 'view recent_accounts' })).toHaveText(
    "view recent_accounts – uses SQLite's date(), which PostgreSQL does not have",
  )
  await expect(items.filter({ hasText: 'trigger account_lowercase' })).toHaveText(
    'account: trigger account_lowercase – SQLite triggers are not translated; write it as a PostgreSQL trigger function if the application needs it',
  )
  // What translated is on the target and not in the list.
  await expect(notCopied).not.toContainText('account_roles')
  await expect(notCopied).not.toContainText('account_email ')
  expect(
    await queryDatabase(
      plan.targetUrl,
      `SELECT to_regclass('account_roles')::text AS view, to_regclass('account_email')::text AS index, to_regclass('recent_accounts')::text AS missing`,
    ),
  ).toEqual([{ view: 'account_roles', index: 'account_email', missing: null }])
  await page.screenshot({ path: testInfo.outputPath('copy-not-copied.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(items).toHaveCount(2)
  await page.screenshot({ path: testInfo.outputPath('copy-not-copied-phone.png'), fullPage: true })
})

test('a copy into seeded tables stops naming them; the step is changed to empty them first, confirmed by a checkbox that names the tables, and the run page shows what was emptied', async ({
  page,
  browser,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const plan = await seedCopyPlan(browser, lead, SQLITE_SCHEMA, TARGET_MIGRATIONS)
  await signIn(page, lead)
  await page.goto(`/plans/${plan.planId}`)
  const phase = page.getByTestId('phase').first()
  await openStepForm(phase, '+ Add copy step…')
  await phase.getByLabel('Step name').fill('Copy into the app')
  await phase.getByLabel('Tables (optional)').fill('role, account')
  // The choice belongs to a copy into existing tables only.
  await expect(phase.getByTestId('existing-rows')).toHaveCount(0)
  await phase.getByRole('radio', { name: /Into existing tables/ }).check()
  const existing = phase.getByTestId('existing-rows')
  await expect(existing.getByRole('radio', { name: /Stop and name them/ })).toBeChecked()
  await expect(existing.getByRole('checkbox')).toHaveCount(0)
  await phase.getByRole('button', { name: 'Add copy step' }).click()
  const step = phase.getByTestId('step').filter({ hasText: 'Copy into the app' })
  await expect(step).toContainText('2 tables (role, account) · into existing tables · stops at tables with rows')

  // The first run stops before changing anything, naming the seeded table and the setting to change.
  await runCopyPhase(page, plan, 'Failed')
  await expect(page.getByTestId('run-step')).toContainText(
    "The target table “role” (2 rows) already has rows (seeded by the application's migrations?); nothing was changed. Edit the step and choose, under “Rows already on the target”, to empty it first or to merge the source's rows by primary key.",
  )
  expect(await queryDatabase(plan.targetUrl, 'SELECT count(*)::int AS n FROM role')).toEqual([{ n: 2 }])

  // Emptying asks for a confirmation naming the tables; saving without it is refused. All by keyboard.
  await page.goto(`/plans/${plan.planId}`)
  await phase.getByRole('button', { name: 'Edit “Copy into the app”' }).click()
  const form = phase.getByTestId('existing-rows')
  await form.getByRole('radio', { name: /Stop and name them/ }).focus()
  await page.keyboard.press('ArrowDown')
  await expect(form.getByRole('radio', { name: /Empty them first/ })).toBeChecked()
  const confirm = form.getByRole('checkbox', {
    name: /I confirm that every row already in the tables role, account on the target is deleted before the load/,
  })
  await expect(confirm).not.toBeChecked()
  await phase.getByRole('button', { name: 'Save step' }).click()
  await expect(form.getByRole('alert')).toHaveText(
    'Confirm that the rows already in these tables on the target will be deleted, or choose another way.',
  )
  await phase.screenshot({ path: testInfo.outputPath('copy-empty-first-form.png') })
  await page.setViewportSize({ width: 390, height: 844 })
  await phase.screenshot({ path: testInfo.outputPath('copy-empty-first-form-phone.png') })
  // At phone width the choice and its confirmation wrap inside the form instead of widening it.
  expect(
    await form.evaluate(
      (el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth,
    ),
  ).toBe(true)
  await page.setViewportSize({ width: 1280, height: 800 })
  await confirm.focus()
  await page.keyboard.press('Space')
  await expect(confirm).toBeChecked()
  // A change of the tables asks for the confirmation again.
  await phase.getByLabel('Tables (optional)').fill('role, account, extra')
  await expect(form.getByRole('checkbox')).not.toBeChecked()
  await phase.getByLabel('Tables (optional)').fill('role, account')
  await confirm.check()
  await phase.getByRole('button', { name: 'Save step' }).click()
  await expect(step).toContainText('into existing tables · empties tables with rows first')
  const [stored] = await query<{ config: unknown }>(
    `SELECT "config" FROM "Step" WHERE "planId" = $1 AND "name" = 'Copy into the app'`,
    [plan.planId],
  )
  expect(stored?.config).toMatchObject({ mode: 'existing', existingRows: 'empty', emptyConfirmed: true })

  await runCopyPhase(page, plan, 'Succeeded')
  await expect(page.getByTestId('copy-existing-rows')).toHaveText(
    'Emptied on the target before the load: “role” (2 rows)',
  )
  await expect(page.getByTestId('run-log')).toContainText('emptied first “role” (2 rows)')
  expect(await queryDatabase(plan.targetUrl, 'SELECT id::int, name FROM role ORDER BY id')).toEqual([
    { id: 1, name: 'owner' },
    { id: 2, name: 'member' },
  ])
  expect(await queryDatabase(plan.targetUrl, 'SELECT count(*)::int AS n FROM account')).toEqual([{ n: 3 }])
  await page.screenshot({ path: testInfo.outputPath('copy-emptied-run.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: testInfo.outputPath('copy-emptied-run-phone.png'), fullPage: true })
})
