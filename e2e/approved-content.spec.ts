import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { phaseChecksum, type StepContent } from '@/lib/server/step-content'
import { query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan, seedPlanEnvironment, seedSqlStep } from './fixtures/seed'
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
  const environmentId = await seedEnvironment(env, { protected: true })
  const planId = await seedPlan(lead, { title: `Orders cutover ${suffix}` })
  const phaseId = await seedPhase(lead, planId, { name: 'Cutover' })
  const stepId = await seedSqlStep(lead, phaseId, {
    name: 'Add a status column',
    body: 'ALTER TABLE orders ADD COLUMN status text;',
    rollbackBody: 'ALTER TABLE orders DROP COLUMN status;',
  })
  // Raw: createConnection looks the host up, and this target (db.example) is only named, never reached.
  const [target] = await query<{ id: string }>(
    `INSERT INTO "Connection" ("id", "environmentId", "name", "engine", "role", "host", "port", "database", "username", "updatedAt") VALUES (gen_random_uuid(), $1, 'orders', 'POSTGRES', 'TARGET', 'db.example', 5432, 'orders', 'app', now()) RETURNING "id"`,
    [environmentId],
  )
  await seedPlanEnvironment(lead, planId, environmentId, { targetConnectionId: target?.id })
  const steps = await query<StepContent>(
    'SELECT "kind"::text AS "kind", "body", "rollbackBody", "config" FROM "Step" WHERE "phaseId" = $1 ORDER BY "position"',
    [phaseId],
  )
  // Raw: approveWindow wants the DBA's fresh second factor in a browser session; two-factor.spec.ts drives that.
  const [window] = await query<{ id: string }>(
    `INSERT INTO "MaintenanceWindow" ("id", "environmentId", "planId", "phaseId", "startsAt", "endsAt", "latestStartAt", "reason", "status", "requestedById", "decidedById", "decidedAt", "approvedContent", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '1 day', now() + interval '1 day 2 hours', now() + interval '1 day 1 hour', 'Cutover', 'APPROVED', $4, $5, now(), $6, now()) RETURNING "id"`,
    [environmentId, planId, phaseId, lead.id, dba.id, JSON.stringify({ [phaseId]: phaseChecksum(steps) })],
  )

  // Only the rollback script changes – that too is not what the DBA approved.
  await signIn(page, lead)
  await page.goto(`/plans/${planId}`)
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
  // Raw: a run held at a manual gate without a worker executing it, so it stays waiting while the spec edits.
  const [run] = await query<{ id: string }>(
    `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "requestedById", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, 'WAITING', $4, now()) RETURNING "id"`,
    [planId, phaseId, environmentId, dba.id],
  )
  await page.goto(`/plans/${planId}`)
  await cutover.getByRole('button', { name: 'Edit “Add a status column”' }).click()
  await cutover.getByLabel('SQL script').fill('DROP TABLE orders;')
  await cutover.getByRole('button', { name: 'Save step' }).click()
  await expect(cutover.getByRole('alert')).toContainText(
    `A run of “Cutover” on “${env}” is waiting; its steps cannot change until it ends.`,
  )
  await cutover.screenshot({ path: testInfo.outputPath('edit-refused-during-run.png') })
  expect(await query('SELECT "body" FROM "Step" WHERE "id" = $1', [stepId])).toEqual([
    { body: 'ALTER TABLE orders ADD COLUMN status text;' },
  ])
  await query(`UPDATE "Run" SET "status" = 'CANCELLED' WHERE "id" = $1`, [run?.id])

  // The run form: choosing a dry run says what it does to the target.
  await page.goto(`/plans/${planId}`)
  await cutover.getByRole('button', { name: 'Run… Cutover' }).click()
  await expect(cutover.getByTestId('dry-run-note')).toHaveCount(0)
  await cutover.getByLabel('Dry run (roll back each script)').check()
  await expect(cutover.getByTestId('dry-run-note')).toContainText('It takes the same locks while it runs')
  await cutover.screenshot({ path: testInfo.outputPath('dry-run-note.png') })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(cutover.getByTestId('dry-run-note')).toBeVisible()
  await cutover.screenshot({ path: testInfo.outputPath('dry-run-note-phone.png') })
})
