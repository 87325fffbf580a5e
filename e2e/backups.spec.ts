import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { defaultBackupDir } from '@/lib/runtime/local-state'
import pg from 'pg'
import { appDatabaseUrl, auditEvents, query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'
import { openStepForm } from './fixtures/plan-page'

// The demo plan's preparation backs the orders database up before its gate: the run page shows the verified
// artifact as it lands, the file in the backup directory is the one the database row describes, and the plan
// page lists the backup – with its file name for a DBA and without it for a stakeholder.

// As the launcher decides it: LOCKSTEP_BACKUP_DIR if the test's environment sets one, else under the data directory.
const backupDir = resolve(process.env.LOCKSTEP_BACKUP_DIR || defaultBackupDir(E2E.dataDir))

// The second test restores the first one's backup: they run in order, and not at all after a failure.
test.describe.configure({ mode: 'serial' })

type BackupRow = {
  id: string
  status: string
  fileName: string
  sizeBytes: string
  sha256: string
  verification: string
  connectionName: string
}

test('a DBA runs the demo preparation: the backup step succeeds with a verified artifact whose checksum is the file’s; the plan lists it', async ({
  page,
  browser,
}, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  const preparation = page.getByRole('region', { name: /Preparation/ })
  const steps = preparation.getByTestId('step')
  await expect(steps).toHaveCount(2)
  await expect(steps.first()).toContainText('Back up the orders database')
  await expect(steps.first()).toContainText('target, whole database')

  // The form a backup step is added with (closed again: the demo keeps its steps).
  await openStepForm(preparation, '+ Add backup step…')
  await expect(preparation.getByRole('combobox', { name: 'Back up' })).toHaveValue('target')
  await expect(preparation.getByText('pg_dump -Fc')).toBeVisible()
  await preparation.screenshot({ path: testInfo.outputPath('backup-step-form.png') })
  await preparation.getByRole('button', { name: 'Close', exact: true }).click()
  await expect(preparation.getByRole('combobox', { name: 'Back up' })).toHaveCount(0)

  await page.getByRole('button', { name: 'Run… Preparation' }).click()
  await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'demo' })
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
  const runId = page.url().split('/').pop() ?? ''

  // The page follows the run: the backup succeeds and the run stops at the preparation's gate.
  await expect(page.getByTestId('run-summary')).toContainText('Waiting', { timeout: 30_000 })
  const backupStep = page.getByTestId('run-step').first()
  await expect(backupStep).toContainText(/Succeeded.*Back up the orders database/)
  const artifact = backupStep.getByTestId('backup-artifact')
  await expect(artifact).toContainText('Read back')
  await expect(artifact).toContainText('Demo orders database, whole database')
  await expect(artifact).toContainText(/\d+(\.\d)? (B|KB|MB)/)
  await expect(artifact).toContainText(
    /Checked: table of contents read \(pg_restore --list\): \d+ tables?, \d+ entries/,
  )
  await expect(artifact).toContainText(
    'Never restored. A test restore into a scratch database (plan page → Backups, DBAs) shows that it restores.',
  )
  await expect(artifact).toContainText('pg_dump (PostgreSQL) 15')
  await expect(page.getByTestId('run-backup')).toContainText(
    /Covered by backup Demo orders database taken 20\d\d-\d\d-\d\d \d\d:\d\d UTC \(read back\)/,
  )

  // The database holds the verified backup of this step run, and its checksum and size are the file's.
  const [backup] = await query<BackupRow>(
    `SELECT b."id", b."status", b."fileName", b."sizeBytes"::text AS "sizeBytes", b."sha256", b."verification", b."connectionName"
       FROM "Backup" b JOIN "StepRun" s ON s."id" = b."stepRunId" WHERE s."runId" = $1`,
    [runId],
  )
  if (!backup) throw new Error('The run has no backup row.')
  expect(backup).toMatchObject({
    status: 'VERIFIED',
    connectionName: 'Demo orders database',
    verification: expect.stringMatching(/^table of contents read \(pg_restore --list\): \d+ tables?, \d+ entries$/),
  })
  const file = join(backupDir, backup.fileName)
  expect(
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex'),
  ).toBe(backup.sha256)
  expect(String((await stat(file)).size)).toBe(backup.sizeBytes)
  const checksum = artifact.locator('code', { hasText: backup.sha256.slice(0, 12) })
  await expect(checksum).toHaveAttribute('title', backup.sha256)
  await expect(artifact).toContainText(backup.verification)
  await expect(artifact).toContainText(backup.fileName)
  await page.screenshot({ path: testInfo.outputPath('backup-run.png'), fullPage: true })

  // The gate is released once the preparation's required checklist is done; the run then ends.
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  for (const item of [
    'Announce the maintenance window to the support team',
    'Verify the latest backup of the orders database',
  ]) {
    await preparation.getByLabel(item).check()
    await expect(preparation.getByLabel(item)).toBeChecked()
  }
  await expect
    .poll(
      async () =>
        (
          await query(
            `SELECT 1 FROM "ChecklistItem" i JOIN "Phase" p ON p."id" = i."phaseId" JOIN "Run" r ON r."phaseId" = p."id" WHERE r."id" = $1 AND i."doneAt" IS NULL`,
            [runId],
          )
        ).length,
    )
    .toBe(0)
  const backups = page.getByRole('region', { name: 'Backups' })
  const row = backups.getByTestId('plan-backup').filter({ hasText: backup.sha256.slice(0, 12) })
  await expect(row).toContainText('Demo orders database')
  await expect(row).toContainText('Read back')
  await expect(row).toContainText(
    'Never restored. A test restore into a scratch database (Restore…, DBAs) shows that it restores.',
  )
  await expect(row).toContainText(backup.verification)
  await expect(row).toContainText(backup.fileName)
  await backups.screenshot({ path: testInfo.outputPath('plan-backups.png') })
  await page.goto(`/runs/${runId}`)
  await page.getByRole('button', { name: 'Release gate…' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click()
  await expect(page.getByTestId('run-summary')).toContainText('Succeeded', { timeout: 30_000 })

  // A stakeholder reads the same backup without where it is stored.
  const stakeholder = await seedUser('STAKEHOLDER')
  const context = await browser.newContext()
  const reader = await context.newPage()
  await signIn(reader, stakeholder)
  await reader.goto(`/runs/${runId}`)
  await expect(reader.getByTestId('backup-artifact')).toContainText(backup.verification)
  await expect(reader.getByTestId('run-backup')).toContainText('Covered by backup Demo orders database')
  await expect(reader.getByText(backup.fileName)).toHaveCount(0)
  await reader.goto('/plans')
  await reader.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  const listed = reader
    .getByRole('region', { name: 'Backups' })
    .getByTestId('plan-backup')
    .filter({ hasText: backup.sha256.slice(0, 12) })
  await expect(listed).toContainText('Read back')
  await expect(listed).not.toContainText(backup.fileName)
  await context.close()
})

// The demo upgrade's rollback rehearsed on the demo environment (which leaves its steps applied), then the
// preparation's backup restored over the demo database: afterwards the orders are exactly as backed up.
test('a DBA rehearses the demo upgrade’s rollback and reads “identical” on the plan, then restores the backup over the demo database', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000)
  const demoUrl = new URL(appDatabaseUrl())
  demoUrl.pathname = '/lockstep_demo'
  const demo = new pg.Client({ connectionString: demoUrl.toString() })
  await demo.connect()
  try {
    const ordersDigest = async () =>
      (
        await demo.query<{ digest: string }>(
          `SELECT md5(string_agg(o::text, ',' ORDER BY o.id)) AS digest FROM orders o`,
        )
      ).rows[0]?.digest
    const hasStatusColumn = async () =>
      (
        await demo.query(
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'status'`,
        )
      ).rowCount === 1
    const backedUp = await ordersDigest()
    expect(await hasStatusColumn()).toBe(false)

    const dba = await seedUser('DBA')
    await signIn(page, dba)
    await page.goto('/plans')
    await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
    const upgrade = page.getByRole('region', { name: /Schema upgrade/ })
    const rehearsals = upgrade.getByTestId('phase-rehearsals')
    await expect(rehearsals).toContainText('Rollback not rehearsed yet.')
    await upgrade.getByRole('button', { name: 'Rehearse rollback… of Schema upgrade' }).click()
    await upgrade.getByRole('combobox', { name: 'Environment' }).last().selectOption({ label: 'demo' })
    await upgrade.getByRole('button', { name: 'Start rehearsal' }).click()

    // The page follows the rehearsal until the worker reports it.
    const result = rehearsals.getByTestId('rehearsal-result')
    await expect(result).toContainText(/Rollback rehearsed 20\d\d-\d\d-\d\d \d\d:\d\d UTC on demo:/, {
      timeout: 60_000,
    })
    await expect(result).toContainText('Identical')
    await expect(result).not.toContainText('stale')
    await upgrade.screenshot({ path: testInfo.outputPath('rehearsal-result.png') })
    const [rehearsal] = await query<{
      id: string
      status: string
      checksum: string | null
      stepsRun: number
      stepNames: string[]
    }>(
      `SELECT r."id", r."status", r."checksum", r."stepsRun", r."stepNames" FROM "RollbackRehearsal" r JOIN "Plan" p ON p."id" = r."planId" WHERE p."title" = 'Demo: orders schema upgrade' ORDER BY r."createdAt" DESC LIMIT 1`,
    )
    expect(rehearsal).toMatchObject({
      status: 'IDENTICAL',
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      stepNames: ['V1 – add status columns', 'V2 – index orders by status', 'V3 – backfill status'],
    })
    expect((await auditEvents(rehearsal?.id ?? '')).map((e) => e.action)).toContain('rehearsal.request')
    // A rehearsal leaves its steps applied: the demo database now has the upgrade, with no history of it.
    expect(await hasStatusColumn()).toBe(true)

    // The restore over the database the backup came from asks for its name.
    const backups = page.getByRole('region', { name: 'Backups' })
    await backups
      .getByRole('button', { name: /^Restore… the backup of Demo orders database/ })
      .first()
      .click()
    const dialog = page.getByRole('dialog')
    await dialog
      .getByRole('combobox', { name: 'Restore into' })
      .selectOption({ label: 'demo · Demo orders database (the database this backup came from)' })
    await expect(dialog).toContainText('changes made since are lost')
    const queue = dialog.getByRole('button', { name: 'Queue restore' })
    await dialog.getByRole('textbox', { name: 'Database name' }).fill('lockstep')
    await expect(queue).toBeDisabled()
    await dialog.getByRole('textbox', { name: 'Database name' }).fill('lockstep_demo')
    await dialog.screenshot({ path: testInfo.outputPath('restore-dialog.png') })
    await queue.click()
    await expect(dialog).toHaveCount(0)
    const restore = backups.getByTestId('plan-restore').first()
    await expect(restore).toContainText('into Demo orders database (over the database it came from)')
    await expect(restore).toContainText('Restored', { timeout: 60_000 })
    await backups.screenshot({ path: testInfo.outputPath('restore-done.png') })

    const [row] = await query<{ id: string; status: string; overSource: boolean; done: number; total: number }>(
      `SELECT r."id", r."status", r."overSource", r."done", r."total" FROM "Restore" r JOIN "Backup" b ON b."id" = r."backupId" JOIN "Plan" p ON p."id" = b."planId" WHERE p."title" = 'Demo: orders schema upgrade' ORDER BY r."createdAt" DESC LIMIT 1`,
    )
    expect(row).toMatchObject({ status: 'SUCCEEDED', overSource: true })
    expect(row?.total).toBeGreaterThan(0)
    expect(row?.done).toBe(row?.total)
    expect((await auditEvents(row?.id ?? '')).map((e) => e.action).sort()).toEqual([
      'backup.restore',
      'restore.succeed',
    ])
    // The orders are exactly as they were backed up, and the rehearsal's columns are gone.
    expect(await hasStatusColumn()).toBe(false)
    expect(await ordersDigest()).toBe(backedUp)
  } finally {
    await demo.end()
  }
})
