import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { defaultBackupDir } from '@/lib/runtime/local-state'
import { query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'

// The demo plan's preparation backs the orders database up before its gate: the run page shows the verified
// artifact as it lands, the file in the backup directory is the one the database row describes, and the plan
// page lists the backup – with its file name for a DBA and without it for a stakeholder.

// As the launcher decides it: LOCKSTEP_BACKUP_DIR if the test's environment sets one, else under the data directory.
const backupDir = resolve(process.env.LOCKSTEP_BACKUP_DIR || defaultBackupDir(E2E.dataDir))

type BackupRow = { id: string; status: string; fileName: string; sizeBytes: string; sha256: string; verification: string; connectionName: string }

test('a DBA runs the demo preparation: the backup step succeeds with a verified artifact whose checksum is the file’s; the plan lists it', async ({ page, browser }, testInfo) => {
  const dba = await seedUser('DBA')
  await signIn(page, dba.email, dba.password)
  await page.goto('/plans')
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  const preparation = page.getByRole('region', { name: /Preparation/ })
  const steps = preparation.getByTestId('step')
  await expect(steps).toHaveCount(2)
  await expect(steps.first()).toContainText('Back up the orders database')
  await expect(steps.first()).toContainText('target, whole database')

  // The form a backup step is added with (closed again: the demo keeps its steps).
  await preparation.getByRole('button', { name: '+ Add backup step…' }).click()
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
  await expect(artifact).toContainText('Verified')
  await expect(artifact).toContainText('Demo orders database, whole database')
  await expect(artifact).toContainText(/\d+(\.\d)? (B|KB|MB)/)
  await expect(artifact).toContainText(/pg_restore --list read \d+ entries/)
  await expect(artifact).toContainText('pg_dump (PostgreSQL) 15')
  await expect(page.getByTestId('run-backup')).toContainText(/Covered by backup Demo orders database taken 20\d\d-\d\d-\d\d \d\d:\d\d UTC \(verified\)/)

  // The database holds the verified backup of this step run, and its checksum and size are the file's.
  const [backup] = await query<BackupRow>(
    `SELECT b."id", b."status", b."fileName", b."sizeBytes"::text AS "sizeBytes", b."sha256", b."verification", b."connectionName"
       FROM "Backup" b JOIN "StepRun" s ON s."id" = b."stepRunId" WHERE s."runId" = $1`,
    [runId],
  )
  if (!backup) throw new Error('The run has no backup row.')
  expect(backup).toMatchObject({ status: 'VERIFIED', connectionName: 'Demo orders database', verification: expect.stringMatching(/^pg_restore --list read \d+ entries$/) })
  const file = join(backupDir, backup.fileName)
  expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(backup.sha256)
  expect(String((await stat(file)).size)).toBe(backup.sizeBytes)
  const checksum = artifact.locator('code', { hasText: backup.sha256.slice(0, 12) })
  await expect(checksum).toHaveAttribute('title', backup.sha256)
  await expect(artifact).toContainText(backup.verification)
  await expect(artifact).toContainText(backup.fileName)
  await page.screenshot({ path: testInfo.outputPath('backup-run.png'), fullPage: true })

  // The gate is released once the preparation's required checklist is done; the run then ends.
  await page.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  for (const item of ['Announce the maintenance window to the support team', 'Verify the latest backup of the orders database']) {
    await preparation.getByLabel(item).check()
    await expect(preparation.getByLabel(item)).toBeChecked()
  }
  await expect.poll(async () => (await query(`SELECT 1 FROM "ChecklistItem" i JOIN "Phase" p ON p."id" = i."phaseId" JOIN "Run" r ON r."phaseId" = p."id" WHERE r."id" = $1 AND i."doneAt" IS NULL`, [runId])).length).toBe(0)
  const backups = page.getByRole('region', { name: 'Backups' })
  const row = backups.getByTestId('plan-backup').filter({ hasText: backup.sha256.slice(0, 12) })
  await expect(row).toContainText('Demo orders database')
  await expect(row).toContainText('Verified')
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
  await signIn(reader, stakeholder.email, stakeholder.password)
  await reader.goto(`/runs/${runId}`)
  await expect(reader.getByTestId('backup-artifact')).toContainText(backup.verification)
  await expect(reader.getByTestId('run-backup')).toContainText('Covered by backup Demo orders database')
  await expect(reader.getByText(backup.fileName)).toHaveCount(0)
  await reader.goto('/plans')
  await reader.getByRole('link', { name: 'Demo: orders schema upgrade' }).click()
  const listed = reader.getByRole('region', { name: 'Backups' }).getByTestId('plan-backup').filter({ hasText: backup.sha256.slice(0, 12) })
  await expect(listed).toContainText('Verified')
  await expect(listed).not.toContainText(backup.fileName)
  await context.close()
})
