import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { auditEvents, query, seedUser } from './fixtures/db'
import { seedItems, seedPhase, seedPlan, seedRisk } from './fixtures/seed'
import { signIn } from './fixtures/session'

// The report's history: the worker's daily snapshot, what changed since it, a snapshot taken on demand, and
// past snapshots opened as they were.

test('the report tells what changed since the last snapshot, and a snapshot opens as it was', async ({
  page,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const title = `Ledger move ${randomUUID().slice(0, 8)}`
  const planId = await seedPlan(lead, { title, status: 'ACTIVE' })
  const phaseId = await seedPhase(lead, planId, { name: 'Copy ledgers' })
  await seedItems(lead, phaseId, [{ text: 'Freeze postings' }, { text: 'Copy the ledger' }])
  await seedRisk(lead, planId, { title: 'Postings during the copy', impact: 'HIGH', likelihood: 'POSSIBLE' })

  // The worker keeps today's report of every plan in progress without being asked. It may have taken it while the
  // plan was still being seeded; once it has, that one goes, and the one it takes next sees the whole plan.
  const dailySnapshots = async () =>
    (
      await query<{ day: string | null }>(`SELECT "day"::text AS day FROM "ReportSnapshot" WHERE "planId" = $1`, [
        planId,
      ])
    ).map((s) => s.day !== null)
  await expect.poll(dailySnapshots, { timeout: 30_000 }).toEqual([true])
  await query(`DELETE FROM "ReportSnapshot" WHERE "planId" = $1`, [planId])
  await expect.poll(dailySnapshots, { timeout: 30_000 }).toEqual([true])

  await signIn(page, lead)
  await page.goto(`/plans/${planId}/report`)
  const since = page.getByRole('region', { name: 'Since the last snapshot' })
  await expect(since).toContainText('Nothing changed.')
  await expect(page.getByTestId('trend-summary')).toContainText('1 snapshot')
  await expect(page.getByTestId('report-trend')).toHaveAttribute('data-points', '1')

  // Things happen; the report says what, against the morning's snapshot.
  await query(`UPDATE "Risk" SET "status" = 'MITIGATED' WHERE "planId" = $1`, [planId])
  await query(`UPDATE "ChecklistItem" SET "doneAt" = now(), "doneById" = $2 WHERE "phaseId" = $1`, [phaseId, lead.id])
  await page.reload()
  await expect(since.getByTestId('report-changes')).toContainText('Risk “Postings during the copy” was mitigated.')
  await expect(since.getByTestId('report-changes')).toContainText(/Progress went from 0 % to \d+ % \(\+\d+\)\./)
  await page.screenshot({ path: testInfo.outputPath('report-since.png'), fullPage: true })

  await page.getByRole('button', { name: 'Take snapshot' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Snapshot taken.' })).toBeVisible()
  await expect(since).toContainText('Nothing changed.')
  await expect(page.getByTestId('trend-summary')).toContainText('2 snapshots')
  const snapshots = await query<{ id: string; takenById: string | null }>(
    `SELECT "id", "takenById" FROM "ReportSnapshot" WHERE "planId" = $1 ORDER BY "takenAt"`,
    [planId],
  )
  expect(snapshots.map((s) => s.takenById)).toEqual([null, lead.id])
  expect((await auditEvents(snapshots[1]?.id ?? '')).map((e) => e.action)).toEqual(['report.snapshot'])

  // The daily snapshot, as it was: the risk still open, nothing before it to compare with.
  await page.getByTestId('snapshots').getByRole('row').last().getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/report/snapshots/${snapshots[0]?.id}$`))
  await expect(page.getByRole('note')).toContainText('This is a snapshot')
  await expect(page.getByRole('region', { name: /Open risks/ })).toContainText('Postings during the copy')
  await expect(page.getByRole('region', { name: 'Since the snapshot before' })).toHaveCount(0)
  await page.getByRole('link', { name: 'Later →' }).click()
  await expect(page).toHaveURL(new RegExp(`/report/snapshots/${snapshots[1]?.id}$`))
  await expect(page.getByRole('region', { name: 'Since the snapshot before' })).toContainText(
    'Risk “Postings during the copy” was mitigated.',
  )
  await page.screenshot({ path: testInfo.outputPath('snapshot.png'), fullPage: true })
})
