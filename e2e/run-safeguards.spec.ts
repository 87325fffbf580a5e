import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import pg from 'pg'
import { addOwnServerConnectionAsAdmin } from './fixtures/connections'
import { appDatabaseUrl, auditEvents, authenticatorCode, query, seedUser } from './fixtures/db'
import { seedPhase, seedPlan } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { phaseChecksum, type StepContent } from '@/lib/server/step-content'
import { openStepForm } from './fixtures/plan-page'

// A DBA sets what a protected environment requires of its runs: a run of an unrehearsed phase is refused
// with the reason; once only a fresh backup is required, the phase's own backup step covers the run and the
// run page says so. Starting it asks for a fresh code from the DBA's authenticator.

test('a DBA sets a protected environment’s safeguards; a run is refused without a rehearsal, then covered by its own backup', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000)
  const dba = await seedUser('DBA')
  const suffix = randomUUID().slice(0, 8)
  const env = `prod-${suffix}`
  const database = `e2e_guarded_${suffix}`
  await query(`CREATE DATABASE ${database}`)
  const targetUrl = new URL(appDatabaseUrl())
  targetUrl.pathname = `/${database}`
  const target = new pg.Client({ connectionString: targetUrl.toString() })
  await target.connect()
  try {
    await target.query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)')
    const planId = await seedPlan(dba, { title: `Guarded ${suffix}` })
    await seedPhase(dba, planId, { name: 'Cleanup' })

    // The protected environment, its target, and its safeguards – a bad figure first.
    await signIn(page, dba)
    await page.goto('/connections')
    const newEnvironment = page.getByRole('region', { name: 'Add an environment' })
    await newEnvironment.getByLabel('Name').fill(env)
    await newEnvironment.getByLabel('Protected (runs need an approved window)').check()
    await page.getByRole('button', { name: 'Add environment' }).click()
    const section = page.getByTestId('environment').filter({ has: page.getByRole('heading', { name: env }) })
    // The target database lives on Lockstep's own server: an admin adds its connection, allowing that.
    await addOwnServerConnectionAsAdmin(browser, env, 'orders', `${targetUrl}?sslmode=disable`)
    await page.reload()
    await expect(section.getByTestId('connection')).toHaveCount(1)
    await expect(section.getByTestId('environment-safeguards')).toHaveText('Runs require an approved window.')
    await section.getByText(`Safeguards for runs on ${env}`).click()
    await section.getByLabel(/Require a rollback rehearsal/).check()
    await section.getByLabel('Require a verified backup younger than (hours)').fill('0')
    await section.getByRole('button', { name: 'Save safeguards' }).click()
    await expect(section.getByText('Use at least 1 hour.')).toBeVisible()
    expect(
      await query('SELECT "requireRehearsal", "requireBackupHours" FROM "Environment" WHERE "name" = $1', [env]),
    ).toEqual([{ requireRehearsal: false, requireBackupHours: null }])
    await section.getByLabel('Require a verified backup younger than (hours)').fill('1')
    await section.getByRole('button', { name: 'Save safeguards' }).click()
    await expect(section.getByTestId('environment-safeguards')).toHaveText(
      'Runs require an approved window, an identical rollback rehearsal of the same scripts and a verified backup of the target younger than 1 h before the first step that can lose data.',
    )
    await section.screenshot({ path: testInfo.outputPath('environment-safeguards.png') })
    const [environment] = await query<{ id: string }>('SELECT "id" FROM "Environment" WHERE "name" = $1', [env])
    expect((await auditEvents(environment?.id ?? '')).map((e) => e.action)).toContain('environment.safeguards')

    // The phase: its own backup of the target, then a step that deletes rows.
    await page.goto(`/plans/${planId}`)
    const mapping = page.getByTestId('plan-environment').filter({ hasText: env })
    await mapping.getByLabel('Copy to (target)').selectOption({ label: 'orders' })
    await mapping.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(
        async () =>
          (
            await query('SELECT 1 FROM "PlanEnvironment" WHERE "planId" = $1 AND "targetConnectionId" IS NOT NULL', [
              planId,
            ])
          ).length,
      )
      .toBe(1)
    const cleanup = page.getByRole('region', { name: /Cleanup/ })
    await openStepForm(cleanup, '+ Add backup step…')
    await cleanup.getByLabel('Step name').fill('Back up orders')
    await cleanup.getByRole('button', { name: 'Add backup step' }).click()
    await expect(cleanup.getByTestId('step')).toHaveCount(1)
    await openStepForm(cleanup, '+ Add SQL step…')
    await cleanup.getByLabel('Step name').fill('Delete old rows')
    await cleanup.getByLabel('SQL script').fill('DELETE FROM t WHERE id > 50;')
    await cleanup.getByLabel('Rollback script (optional)').fill('SELECT 1;')
    await cleanup.getByRole('button', { name: 'Add step' }).click()
    await expect(cleanup.getByTestId('step')).toHaveCount(2)
    // An approved window open now, approved for these steps (its approval flow has a spec of its own).
    const steps = await query<StepContent & { phaseId: string }>(
      'SELECT "phaseId", "kind"::text AS "kind", "body", "rollbackBody", "config" FROM "Step" WHERE "planId" = $1 AND "removedAt" IS NULL ORDER BY "position"',
      [planId],
    )
    const phaseId = steps[0]?.phaseId ?? ''
    // Raw: approveWindow wants a second DBA with a fresh second factor in a browser session; the flow is tested there.
    await query(
      `INSERT INTO "MaintenanceWindow" ("id", "environmentId", "planId", "startsAt", "endsAt", "latestStartAt", "reason", "status", "requestedById", "decidedById", "decidedAt", "approvedContent", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, now() - interval '1 minute', now() + interval '1 hour', now() + interval '50 minutes', 'cleanup', 'APPROVED', $3, $3, now(), $4, now())`,
      [environment?.id, planId, dba.id, JSON.stringify({ [phaseId]: phaseChecksum(steps) })],
    )

    // Never rehearsed: refused, with what to do, and no run queued.
    await cleanup.getByRole('button', { name: 'Run… Cleanup' }).click()
    await cleanup.getByRole('combobox', { name: 'Environment' }).selectOption({ label: `${env} (protected)` })
    await cleanup.getByRole('button', { name: 'Start run' }).click()
    await expect(cleanup.getByRole('alert')).toContainText(
      `“${env}” requires a rollback rehearsal of “Cleanup” that came back identical for exactly its current scripts, and it has never been rehearsed.`,
    )
    await cleanup.screenshot({ path: testInfo.outputPath('run-refused.png') })
    expect(await query('SELECT 1 FROM "Run" WHERE "planId" = $1', [planId])).toEqual([])

    // Only the fresh backup required: the phase's own backup step covers the deleting step.
    await page.goto('/connections')
    await section.getByText(`Safeguards for runs on ${env}`).click()
    await section.getByLabel(/Require a rollback rehearsal/).uncheck()
    await section.getByRole('button', { name: 'Save safeguards' }).click()
    await expect(section.getByTestId('environment-safeguards')).toHaveText(
      'Runs require an approved window, a verified backup of the target younger than 1 h before the first step that can lose data.',
    )
    await page.goto(`/plans/${planId}`)
    await cleanup.getByRole('button', { name: 'Run… Cleanup' }).click()
    await cleanup.getByRole('combobox', { name: 'Environment' }).selectOption({ label: `${env} (protected)` })
    // The DBA's last code is 16 minutes old: starting a production run asks for a fresh one first.
    await query(`UPDATE "User" SET "secondFactorAt" = now() - interval '16 minutes' WHERE "id" = $1`, [dba.id])
    await cleanup.getByRole('button', { name: 'Start run' }).click()
    await expect(cleanup.getByRole('alert')).toHaveText(
      `Confirm it is you to start a run on “${env}”: enter the 6-digit code from your authenticator.`,
    )
    expect(await query('SELECT 1 FROM "Run" WHERE "planId" = $1', [planId])).toEqual([])
    await cleanup.getByLabel('Code from your authenticator').fill(await authenticatorCode(dba.id, dba.totpSecret ?? ''))
    await cleanup.getByRole('button', { name: 'Start run' }).click()
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
    const runId = page.url().split('/').pop() ?? ''
    await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })
    await expect(page.getByTestId('run-safeguards')).toContainText(
      `On ${env}: Runs require an approved window, a verified backup of the target younger than 1 h`,
    )
    await expect(page.getByTestId('run-backup')).toContainText(
      new RegExp(
        `Covered by backup orders taken 20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(read back, as ${env} requires\\)`,
      ),
    )
    await expect(page.getByTestId('run-log')).toContainText('Covered by the verified backup of orders')
    await page.screenshot({ path: testInfo.outputPath('run-covered.png'), fullPage: true })
    const [run] = await query<{ coveringBackupId: string | null; own: string | null }>(
      `SELECT r."coveringBackupId", (SELECT b."id" FROM "Backup" b JOIN "StepRun" s ON s."id" = b."stepRunId" WHERE s."runId" = r."id") AS own FROM "Run" r WHERE r."id" = $1`,
      [runId],
    )
    expect(run?.coveringBackupId).toBeTruthy()
    expect(run?.coveringBackupId).toBe(run?.own)
    expect((await target.query('SELECT count(*)::int AS n FROM t')).rows[0]?.n).toBe(50)
  } finally {
    await target.end()
  }
})
