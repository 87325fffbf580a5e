import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { parsePlanDocument } from '@/lib/plan-document/parse'
import { query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'

const FIXTURE = join(import.meta.dirname, '..', 'lib', 'plan-document', 'fixtures', 'zero-downtime-data-migration.md')

/** The plan's phases and their checklists as the database holds them. */
async function structureOf(planId: string) {
  const rows = await query<{ phase: string; text: string | null; done: boolean | null }>(
    `SELECT f."name" AS "phase", i."text", i."doneAt" IS NOT NULL AS "done"
       FROM "Phase" f LEFT JOIN "ChecklistItem" i ON i."phaseId" = f."id"
      WHERE f."planId" = $1 ORDER BY f."position", i."position"`,
    [planId],
  )
  return rows.map((r) => `${r.phase} | ${r.text} | ${r.done}`)
}

async function importThroughUi(page: Page, file: string): Promise<string> {
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Import Markdown' }).click()
  await page.getByLabel('Markdown file').setInputFiles(file)
  await page.getByRole('button', { name: 'Preview' }).click()
  await expect(page.getByTestId('import-preview')).toBeVisible()
  await page.getByRole('button', { name: 'Save as new plan' }).click()
  await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/)
  return page.url().split('/').pop() ?? ''
}

test('a lead imports a Markdown plan, ticks an item, exports it, and the export re-imports to the same plan', async ({
  page,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)

  // Preview first: the structure and the warnings, nothing saved yet.
  await page.goto('/plans/import')
  await page.getByLabel('Markdown file').setInputFiles(FIXTURE)
  await page.getByRole('button', { name: 'Preview' }).click()
  const preview = page.getByTestId('import-preview')
  await expect(preview.getByRole('heading', { name: 'Data Migration Plan' })).toBeVisible()
  await expect(preview.getByTestId('preview-counts')).toContainText(
    '3 phases · 12 checklist items · 2 plan checklists · 0 risks',
  )
  await expect(preview.getByTestId('preview-phase')).toHaveText([
    /1\. Preparation.*4 items/,
    /2\. Deployment.*4 items/,
    /3\. Verification.*4 items/,
  ])
  await expect(preview.getByRole('list', { name: 'Warnings' })).toContainText(
    'Line 9: Section “Migration Principles” is not part of a plan',
  )
  await page.screenshot({ path: testInfo.outputPath('import-preview.png'), fullPage: true })
  expect(await query('SELECT 1 FROM "Plan" WHERE "ownerId" = $1', [lead.id])).toHaveLength(0)

  // Save, then tick an item of the imported plan.
  await page.getByRole('button', { name: 'Save as new plan' }).click()
  await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/)
  const planId = page.url().split('/').pop() ?? ''
  await expect(page.getByRole('heading', { level: 1, name: 'Data Migration Plan' })).toBeVisible()
  expect(await query('SELECT "status" FROM "Plan" WHERE "id" = $1 AND "ownerId" = $2', [planId, lead.id])).toEqual([
    { status: 'DRAFT' },
  ])
  await page.getByLabel('Schema validation', { exact: true }).check()
  await expect
    .poll(
      async () =>
        (
          await query<{ doneById: string }>(
            `SELECT "doneById" FROM "ChecklistItem" i JOIN "Phase" f ON f."id" = i."phaseId" WHERE f."planId" = $1 AND i."text" = 'Schema validation'`,
            [planId],
          )
        )[0]?.doneById,
    )
    .toBe(lead.id)
  await expect(page.getByRole('list', { name: 'Rollback steps' })).toContainText(
    'Immediate Recovery: Transaction rollback',
  )

  // Export: a Markdown download with the tick in it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export Markdown' }).click(),
  ])
  expect(download.suggestedFilename()).toBe('data-migration-plan.md')
  const exported = testInfo.outputPath('exported.md')
  await download.saveAs(exported)
  const markdown = readFileSync(exported, 'utf8')
  expect(markdown).toContain('- [x] Schema validation')
  const original = parsePlanDocument(readFileSync(FIXTURE))
  expect(parsePlanDocument(markdown).phases.map((p) => p.items.map((i) => i.text))).toEqual(
    original.phases.map((p) => p.items.map((i) => i.text)),
  )

  // Re-import the export: the same phases, items and done state.
  const again = await importThroughUi(page, exported)
  expect(again).not.toBe(planId)
  expect(await structureOf(again)).toEqual(await structureOf(planId))
})

test('a file that is not a plan gets a clear message and nothing is saved', async ({ page }, testInfo) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  const binary = testInfo.outputPath('image.png')
  await writeFile(
    binary,
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  )
  await page.goto('/plans/import')
  await page.getByLabel('Markdown file').setInputFiles(binary)
  await page.getByRole('button', { name: 'Preview' }).click()
  await expect(
    page.getByRole('alert').filter({ hasText: 'This file is binary, not a Markdown document.' }),
  ).toBeVisible()
  await expect(page.getByRole('button', { name: 'Save as new plan' })).toHaveCount(0)

  await page.getByLabel('Markdown file').setInputFiles([])
  await page.getByLabel('Or paste Markdown').fill('Just a sentence, no structure.')
  await page.getByRole('button', { name: 'Preview' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'no headings, lists or tables' })).toBeVisible()
  expect(await query('SELECT 1 FROM "Plan" WHERE "ownerId" = $1', [lead.id])).toHaveLength(0)
})

test('a stakeholder cannot reach the import page', async ({ page }) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  await page.goto('/plans')
  await expect(page.getByRole('link', { name: 'Import Markdown' })).toHaveCount(0)
  const response = await page.goto('/plans/import')
  expect(response?.status()).toBe(404)
})
