import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { seedEnvironment, seedManualStep, seedPhase, seedPlan, seedPlanEnvironment, seedSqlStep } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// The preview of a phase as every reader of the plan opens it: what a run would execute, read from the steps
// without touching a database – transaction brackets, locks, timeouts, the gate – on a desktop and a phone.

const noSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)

test('a stakeholder previews a phase: a transactional script, a CONCURRENTLY script and a gate; an empty phase says so', async ({
  page,
}, testInfo) => {
  // Seeding, axe and two full-page screenshots take their time on a busy 2-core machine.
  test.setTimeout(240_000)
  const suffix = randomUUID().slice(0, 8)
  const dba = await seedUser('DBA')
  const planId = await seedPlan(dba, { title: `Preview plan ${suffix}` })
  const phaseId = await seedPhase(dba, planId, { name: 'Schema upgrade' })
  await seedSqlStep(dba, phaseId, {
    name: 'Add order notes',
    body: "ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '' WHERE note IS NULL;",
    rollbackBody: 'ALTER TABLE orders DROP COLUMN note;',
  })
  await seedSqlStep(dba, phaseId, {
    name: 'Index order status',
    body: '-- without blocking writes\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);',
  })
  await seedManualStep(dba, phaseId, 'Go / no-go')
  await seedPhase(dba, planId, { name: 'Later' })
  const production = `production-${suffix}`
  await seedPlanEnvironment(dba, planId, await seedEnvironment(production, { protected: true }), {})
  const runsBefore = await query('SELECT 1 FROM "Run" WHERE "planId" = $1', [planId])

  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  await page.goto(`/plans/${planId}`)
  await page.getByRole('link', { name: 'Preview Schema upgrade: what a run would execute' }).click()
  await page.waitForURL(new RegExp(`/plans/${planId}/phases/${phaseId}/preview$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Preview: Schema upgrade')

  const steps = page.getByTestId('preview-step')
  await expect(steps).toHaveCount(3)
  // Lockstep's transaction around the first script; each statement with its line and its lock, the strong one first.
  const first = steps.nth(0)
  await expect(first).toContainText('Runs in one transaction.')
  await expect(first.getByTestId('boundary')).toHaveText([/BEGIN\s*Lockstep's transaction begins/, /COMMIT/])
  await expect(first.getByTestId('statement')).toHaveText([
    /^line 1ALTER TABLE orders ADD COLUMN note text.*ACCESS EXCLUSIVE·orders/,
    /^line 2UPDATE orders SET note.*ROW EXCLUSIVE·orders.*can lose data/,
  ])
  await expect(first.getByRole('group', { name: 'Timeouts' })).toContainText('lock_timeout 1 s (default)')
  await expect(first).toContainText('Rollback script: 1 statement')
  // The CONCURRENTLY script runs outside a transaction, and says why.
  const second = steps.nth(1)
  await expect(second).toContainText('Runs statement by statement, outside a transaction.')
  await expect(second.getByTestId('boundary')).toHaveCount(0)
  await expect(second.getByTestId('statement')).toHaveText([
    /^line 2CREATE INDEX CONCURRENTLY.*SHARE UPDATE EXCLUSIVE·orders.*Outside a transaction: IndexStmt cannot run inside a transaction block\./,
  ])
  // The gate, and what the protected environment asks before every step.
  await expect(steps.nth(2)).toContainText('Gate: waits for a person to release it.')
  await expect(page.getByRole('list', { name: 'Gates' })).toHaveText(
    'Step 3 “Go / no-go” waits for a person to release it.',
  )
  await expect(page.getByText(`On the protected environment ${production} a run also needs:`)).toBeVisible()
  expect(await noSideways(page)).toBe(true)
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  await page.screenshot({ path: testInfo.outputPath('preview-desktop.png'), fullPage: true })

  await page.setViewportSize(PHONE)
  await expect(first.getByTestId('statement').first()).toBeVisible()
  expect(await noSideways(page)).toBe(true)
  await page.screenshot({ path: testInfo.outputPath('preview-phone.png'), fullPage: true })

  // Reading the preview ran nothing and changed nothing.
  expect(await query('SELECT 1 FROM "Run" WHERE "planId" = $1', [planId])).toEqual(runsBefore)

  const [later] = await query<{ id: string }>('SELECT "id" FROM "Phase" WHERE "planId" = $1 AND "name" = $2', [
    planId,
    'Later',
  ])
  await page.goto(`/plans/${planId}/phases/${later?.id}/preview`)
  await expect(page.getByRole('heading', { name: 'Nothing to preview' })).toBeVisible()
  // Another plan's id in the path: not found.
  await page.goto(`/plans/${randomUUID()}/phases/${phaseId}/preview`)
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible()
})
