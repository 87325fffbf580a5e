import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { expect, test, type Browser } from '@playwright/test'
import Database from 'better-sqlite3'
import { prismaShapedFile } from '@/lib/testing/prisma-shaped'
import { queryDatabase } from '@/lib/testing/query-database'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, query, seedUser, type SeededUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'
import { openStepForm } from './fixtures/plan-page'

// A lead builds a copy's mapping in the browser for a Prisma-shaped SQLite file (camelCase names, JSON text,
// padded text, an orphaned post, a flag that is not a boolean): one-click rules, a transform and a filter by
// hand, previews through the unsaved mapping; then the run copies through the saved mapping and a validation
// through it finds everything in place.

// Reading the source, previews, a copy and a validation, each through the worker, on a loaded machine.
test.describe.configure({ timeout: 300_000 })

type MappedPlan = { planId: string; env: string; protectedEnv: string; targetUrl: string }

/**
 * A plan with a "Copy" phase whose environment maps the Prisma-shaped file to a fresh database on Lockstep's
 * server, and a protected environment that has the same file as the plan's source.
 */
async function seedMappedPlan(browser: Browser, owner: SeededUser): Promise<MappedPlan> {
  const suffix = randomUUID().slice(0, 8)
  const env = `mapping-${suffix}`
  const file = prismaShapedFile((name, sql, fill) => {
    const db = new Database(join(E2E.dataDir, 'sqlite', name))
    db.exec(sql)
    fill?.(db)
    db.close()
    return name
  }, `prisma-${suffix}.db`)
  const database = `e2e_mapping_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const target = new URL(appDatabaseUrl())
  target.pathname = `/${database}`
  const environmentId = await seedEnvironment(env)
  const protectedEnv = `mapping-prod-${suffix}`
  const protectedId = await seedEnvironment(protectedEnv, { protected: true })
  // Raw: createConnection checks the file against the server's SQLite directory, a setting this process lacks.
  const sourceOf = async (id: string) =>
    (
      await query<{ id: string }>(
        `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "filePath", "updatedAt") VALUES (gen_random_uuid(), $1, 'prisma file', 'SQLITE', 'SOURCE', $2, now()) RETURNING "id"`,
        [id, file],
      )
    )[0]?.id
  await sourceOf(environmentId)
  const protectedSource = await sourceOf(protectedId)
  await addOwnServerConnectionAsAdmin(browser, env, 'target', `${target}?sslmode=disable`)
  const planId = await seedPlan(owner, { title: `Mapping plan ${suffix}` })
  await seedPhase(owner, planId, { name: 'Copy' })
  const connections = await query<{ id: string; role: string }>(
    `SELECT "id", "role"::text AS "role" FROM "Connection" WHERE "environmentId" = $1`,
    [environmentId],
  )
  await seedPlanEnvironment(owner, planId, environmentId, {
    sourceConnectionId: connections.find((c) => c.role === 'SOURCE')?.id,
    targetConnectionId: connections.find((c) => c.role === 'TARGET')?.id,
  })
  await seedPlanEnvironment(owner, planId, protectedId, { sourceConnectionId: protectedSource })
  return { planId, env, protectedEnv, targetUrl: target.toString() }
}

test('a lead maps a Prisma-shaped SQLite source in the copy step form – two one-click rules, a transform and a filter by hand, previews – and the run and its validation follow the mapping', async ({
  page,
  browser,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const plan = await seedMappedPlan(browser, lead)
  await signIn(page, lead)
  await page.goto(`/plans/${plan.planId}`)
  const phase = page.getByTestId('phase').first()
  await openStepForm(phase, '+ Add copy step…')
  await phase.getByLabel('Step name').fill('Copy the app through a mapping')
  const editor = phase.getByTestId('mapping-editor')
  await expect(editor).toContainText('No entries yet')

  // A lead may not read the source of a protected environment: the refusal is shown; the other one reads.
  const readOn = editor.getByLabel('Read the source on')
  await expect(readOn.locator('option:checked')).toHaveText(plan.env)
  await readOn.selectOption({ label: `${plan.protectedEnv} (protected)` })
  await editor.getByRole('button', { name: 'Read the source' }).click()
  await expect(editor.getByRole('alert')).toContainText(
    `Only a DBA can read the source of the protected environment “${plan.protectedEnv}”`,
  )
  await readOn.selectOption({ label: plan.env })

  // The source as read: its tables, and the rules its data calls for.
  await editor.getByRole('button', { name: 'Read the source' }).click()
  await expect(editor.getByTestId('source-reading')).toContainText('prisma file (SQLite): 2 tables', {
    timeout: 60_000,
  })
  const rules = editor.getByRole('list', { name: 'One-click rules' })
  await expect(rules.getByTestId('mapping-rule').filter({ hasText: 'names to snake_case' })).toContainText(
    '2 tables and 6 columns renamed, e.g. Post → post',
  )
  await expect(rules.getByTestId('mapping-rule').filter({ hasText: 'JSON text to jsonb' })).toContainText(
    'User.settings',
  )
  await rules.getByRole('button', { name: 'Apply names to snake_case' }).click()
  await rules.getByRole('button', { name: 'Apply JSON text to jsonb' }).click()
  await expect(rules.getByRole('button', { name: 'Remove names to snake_case' })).toBeVisible()

  // What the rules wrote is in the editor, labelled with its rule, and editable.
  const user = editor.getByTestId('mapping-table').filter({ has: page.getByText('User', { exact: true }) })
  const post = editor.getByTestId('mapping-table').filter({ has: page.getByText('Post', { exact: true }) })
  await expect(user.getByLabel('New name of User', { exact: true })).toHaveValue('user')
  await expect(user.getByLabel('New name of User.createdAt')).toHaveValue('created_at')
  await expect(user.getByLabel('Target type of User.settings')).toHaveValue('jsonb')
  await expect(post.getByLabel('New name of Post.authorId')).toHaveValue('author_id')
  await expect(user.getByTestId('rule-mark').filter({ hasText: 'JSON text to jsonb' })).toHaveCount(1)
  await user.getByLabel('New name of User', { exact: true }).fill('users')
  await user.getByLabel('Transform of User.displayName').fill('trim("displayName")')
  await user.getByLabel('Leave out User.legacy').check()
  await post.getByLabel('Filter of Post').fill('"authorId" IS NULL OR "authorId" IN (SELECT "id" FROM "User")')

  // A problem is named where it is, and goes when it is fixed.
  await user.getByLabel('Target type of User.email').fill('varchar')
  await expect(editor.getByTestId('mapping-problems')).toContainText(
    'User.email: type: “varchar” is not a type a mapping can set',
  )
  await expect(user.getByLabel('Target type of User.email')).toHaveAttribute('aria-invalid', 'true')
  await user.getByLabel('Target type of User.email').fill('')
  await expect(editor.getByTestId('mapping-problems')).toHaveCount(0)
  await editor.screenshot({ path: testInfo.outputPath('mapping-editor-rules.png') })

  // The preview reads through the unsaved mapping: the target's table, values as they arrive, misfits marked.
  await user.getByLabel('Target type of User.isActive').fill('boolean')
  await user.getByRole('button', { name: 'Preview User' }).click()
  const userPreview = user.getByTestId('mapping-preview')
  const createUsers = userPreview.getByLabel('CREATE TABLE of users')
  await expect(createUsers).toContainText('CREATE TABLE', { timeout: 60_000 })
  await expect(createUsers).toContainText('display_name')
  await expect(createUsers).toContainText(/settings"?\s+jsonb/)
  await expect(createUsers).not.toContainText('legacy')
  const rows = userPreview.getByRole('table', { name: 'The first rows of users as they will arrive' })
  await expect(rows.getByRole('cell', { name: 'Ada Lovelace', exact: true })).toBeVisible()
  await expect(rows.getByTestId('preview-misfit')).toHaveCount(1)
  await expect(rows.getByTestId('preview-misfit')).toContainText(/maybe\s*Rejected: .*boolean/)
  await expect(userPreview.getByTestId('preview-summary')).toContainText('1 of the 4 rows shown would be rejected')
  await rows.getByTestId('preview-misfit').scrollIntoViewIfNeeded()
  await user.screenshot({ path: testInfo.outputPath('mapping-preview.png') })
  // The flag stays text: the preview says it is out of date, and again shows every row fitting.
  await user.getByLabel('Target type of User.isActive').fill('')
  await expect(userPreview.getByRole('status')).toHaveText(/The mapping has changed since this preview/)
  await user.getByRole('button', { name: 'Preview User' }).click()
  await expect(userPreview.getByTestId('preview-summary')).toHaveText('4 rows, no filter', { timeout: 60_000 })
  await expect(rows.getByTestId('preview-misfit')).toHaveCount(0)
  await post.getByRole('button', { name: 'Preview Post' }).click()
  await expect(post.getByTestId('preview-summary')).toHaveText('4 of 5 rows kept by the filter', { timeout: 60_000 })
  await expect(post.getByLabel('CREATE TABLE of post')).toContainText('author_id')

  await page.setViewportSize({ width: 390, height: 844 })
  await user.scrollIntoViewIfNeeded()
  await editor.screenshot({ path: testInfo.outputPath('mapping-editor-phone.png') })
  // At phone width the column grid scrolls inside its box; the page itself does not widen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
  expect(await editor.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
  await page.setViewportSize({ width: 1280, height: 800 })

  // Saved with the step; the saved entries are back in the form before the source is read again.
  await phase.getByRole('button', { name: 'Add copy step' }).click()
  const step = phase.getByTestId('step').filter({ hasText: 'Copy the app through a mapping' })
  await expect(step).toContainText('mapping of 2 tables (Post → post, User → users)')
  const [stored] = await query<{ config: { mapping?: { tables: { table: string; rename?: string }[] } } }>(
    `SELECT "config" FROM "Step" WHERE "planId" = $1 AND "name" = 'Copy the app through a mapping'`,
    [plan.planId],
  )
  expect(stored?.config.mapping?.tables.map((t) => [t.table, t.rename])).toEqual([
    ['Post', 'post'],
    ['User', 'users'],
  ])
  await phase.getByRole('button', { name: 'Edit “Copy the app through a mapping”' }).click()
  const saved = phase.getByTestId('mapping-editor')
  await expect(saved.getByLabel('Transform of User.displayName')).toHaveValue('trim("displayName")')
  await expect(saved.getByLabel('Leave out User.legacy')).toBeChecked()
  await phase.getByRole('button', { name: 'Close editor' }).click()

  // The run copies through the mapping.
  await page.getByRole('button', { name: 'Run… Copy' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: plan.env })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 120_000 })
  const columns = await queryDatabase<{ table_name: string; column_name: string; data_type: string }>(
    plan.targetUrl,
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  )
  expect(columns.filter((c) => c.table_name === 'users').map((c) => [c.column_name, c.data_type])).toEqual([
    ['id', 'text'],
    ['email', 'text'],
    ['created_at', 'bigint'],
    ['is_active', 'text'],
    ['settings', 'jsonb'],
    ['display_name', 'text'],
    ['deleted_at', 'bigint'],
  ])
  expect(columns.filter((c) => c.table_name === 'post').map((c) => c.column_name)).toEqual([
    'id',
    'author_id',
    'title',
    'published_at',
  ])
  expect(
    await queryDatabase(
      plan.targetUrl,
      `SELECT display_name, settings->>'theme' AS theme FROM users WHERE email = 'ada@example.com'`,
    ),
  ).toEqual([{ display_name: 'Ada Lovelace', theme: 'dark' }])
  expect(await queryDatabase(plan.targetUrl, 'SELECT id::int FROM post ORDER BY id')).toEqual([
    { id: 1 },
    { id: 2 },
    { id: 3 },
    { id: 5 },
  ])

  // A validation through the same mapping finds every table in place.
  await page.goto(`/plans/${plan.planId}/validation`)
  await page.getByLabel('Environment', { exact: true }).selectOption({ label: plan.env })
  await page.getByRole('button', { name: 'Validate now' }).click()
  await page.waitForURL(/validation\?v=/)
  const report = page.getByTestId('validation-report')
  await expect(report).toContainText('all match', { timeout: 120_000 })
  const compared = report.getByRole('table', { name: 'Tables compared' })
  await expect(compared.getByRole('row', { name: /^users/ })).toContainText('validated')
  await expect(compared.getByRole('row', { name: /^post/ })).toContainText('validated')
  await report.screenshot({ path: testInfo.outputPath('mapping-validation.png') })
})
