import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { phaseChecksum, type StepContent } from '@/lib/server/step-content'
import { query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'

// An approval is for the steps as they were approved: a lead who edits a script of an approved phase – even
// only its rollback script – sends the window back for approval, and the windows page says why. While a run
// of the phase waits at a gate, the step cannot be edited at all. The run form says what a dry run does.
test('a lead’s edit after approval sends the window back, an edit during a run is refused, and the run form explains dry runs', async ({
  page,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const suffix = randomUUID().slice(0, 6)
  const env = `production-${suffix}`
  const [environment] = await query<{ id: string }>(
    `INSERT INTO "Environment" ("id", "name", "protected", "updatedAt") VALUES (gen_random_uuid(), $1, true, now()) RETURNING "id"`,
    [env],
  )
  const [plan] = await query<{ id: string }>(
    `INSERT INTO "Plan" ("id", "title", "ownerId", "updatedAt") VALUES (gen_random_uuid(), $1, $2, now()) RETURNING "id"`,
    [`Orders cutover ${suffix}`, lead.id],
  )
  const [phase] = await query<{ id: string }>(
    `INSERT INTO "Phase" ("id", "planId", "position", "name", "updatedAt") VALUES (gen_random_uuid(), $1, 0, 'Cutover', now()) RETURNING "id"`,
    [plan?.id],
  )
  const [step] = await query<{ id: string }>(
    `INSERT INTO "Step" ("id", "planId", "phaseId", "position", "kind", "name", "body", "rollbackBody", "isDraft", "lint", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, 0, 'SQL', 'Add a status column', 'ALTER TABLE orders ADD COLUMN status text;', 'ALTER TABLE orders DROP COLUMN status;', false, '{"errors":0,"warnings":0,"statements":[]}', now()) RETURNING "id"`,
    [plan?.id, phase?.id],
  )
  const [target] = await query<{ id: string }>(
    `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "host", "port", "database", "username", "updatedAt") VALUES (gen_random_uuid(), $1, 'orders', 'POSTGRES', 'TARGET', 'db.example', 5432, 'orders', 'app', now()) RETURNING "id"`,
    [environment?.id],
  )
  await query(
    `INSERT INTO "PlanEnvironment" ("id", "planId", "environmentId", "targetConnectionId") VALUES (gen_random_uuid(), $1, $2, $3)`,
    [plan?.id, environment?.id, target?.id],
  )
  const steps = await query<StepContent>(
    'SELECT "kind"::text AS "kind", "body", "rollbackBody", "config" FROM "Step" WHERE "phaseId" = $1 ORDER BY "position"',
    [phase?.id],
  )
  const [window] = await query<{ id: string }>(
    `INSERT INTO "MaintenanceWindow" ("id", "environmentId", "planId", "phaseId", "startsAt", "endsAt", "latestStartAt", "reason", "status", "requestedById", "decidedById", "decidedAt", "approvedContent", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '1 day', now() + interval '1 day 2 hours', now() + interval '1 day 1 hour', 'Cutover', 'APPROVED', $4, $5, now(), $6, now()) RETURNING "id"`,
    [
      environment?.id,
      plan?.id,
      phase?.id,
      lead.id,
      dba.id,
      JSON.stringify({ [phase?.id ?? '']: phaseChecksum(steps) }),
    ],
  )

  // Only the rollback script changes – that too is not what the DBA approved.
  await signIn(page, lead)
  await page.goto(`/plans/${plan?.id}`)
  const cutover = page.getByRole('region', { name: /Cutover/ })
  await cutover.getByRole('button', { name: 'Edit “Add a status column”' }).click()
  await cutover.getByLabel('Rollback script (optional)').fill('DROP TABLE orders;')
  await cutover.getByRole('button', { name: 'Save step' }).click()
  await expect(cutover.getByRole('button', { name: 'Edit “Add a status column”' })).toBeVisible()
  await expect
    .poll(
      async () =>
        (
          await query<{ status: string }>('SELECT "status"::text AS status FROM "MaintenanceWindow" WHERE "id" = $1', [
            window?.id,
          ])
        )[0]?.status,
    )
    .toBe('REQUESTED')
  await page.goto('/windows')
  const reopened = page
    .getByRole('region', { name: 'Awaiting approval' })
    .getByTestId('window')
    .filter({ hasText: env })
  await expect(reopened.getByTestId('window-reopened')).toHaveText(
    '· Sent back for approval: the step “Add a status column” was edited after it was approved.',
  )
  await reopened.screenshot({ path: testInfo.outputPath('window-sent-back.png') })
  // On a phone the reason still reads in full.
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(reopened.getByTestId('window-reopened')).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('window-sent-back-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  // A run of the phase waits at a gate: the step cannot change, and the form says why.
  const [run] = await query<{ id: string }>(
    `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "requestedById", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, 'WAITING', $4, now()) RETURNING "id"`,
    [plan?.id, phase?.id, environment?.id, dba.id],
  )
  await page.goto(`/plans/${plan?.id}`)
  await cutover.getByRole('button', { name: 'Edit “Add a status column”' }).click()
  await cutover.getByLabel('SQL script').fill('DROP TABLE orders;')
  await cutover.getByRole('button', { name: 'Save step' }).click()
  await expect(cutover.getByRole('alert')).toContainText(
    `A run of “Cutover” on “${env}” is waiting; its steps cannot change until it ends.`,
  )
  await cutover.screenshot({ path: testInfo.outputPath('edit-refused-during-run.png') })
  expect(await query('SELECT "body" FROM "Step" WHERE "id" = $1', [step?.id])).toEqual([
    { body: 'ALTER TABLE orders ADD COLUMN status text;' },
  ])
  await query(`UPDATE "Run" SET "status" = 'CANCELLED' WHERE "id" = $1`, [run?.id])

  // The run form: choosing a dry run says what it does to the target.
  await page.goto(`/plans/${plan?.id}`)
  await cutover.getByRole('button', { name: 'Run… Cutover' }).click()
  await expect(cutover.getByTestId('dry-run-note')).toHaveCount(0)
  await cutover.getByLabel('Dry run (roll back each script)').check()
  await expect(cutover.getByTestId('dry-run-note')).toContainText('It takes the same locks while it runs')
  await cutover.screenshot({ path: testInfo.outputPath('dry-run-note.png') })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(cutover.getByTestId('dry-run-note')).toBeVisible()
  await cutover.screenshot({ path: testInfo.outputPath('dry-run-note-phone.png') })
})
