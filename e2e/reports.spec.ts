import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { seedPhase, seedPlan, seedRisk } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL, PHONE } from './fixtures/settings'

// The stakeholder's view: the portfolio as home page, a report whose status and reasons come from the
// seeded facts, its Markdown export, and no way to change anything.

test('a stakeholder lands on the portfolio, reads a report that tells why it is blocked, and exports it', async ({
  page,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const stakeholder = await seedUser('STAKEHOLDER')
  const title = `Billing move ${randomUUID().slice(0, 8)}`
  const planId = await seedPlan(lead, { title, status: 'ACTIVE' })
  await seedPhase(lead, planId, {
    name: 'Copy invoices',
    plannedStart: '2026-01-05',
    plannedEnd: '2026-01-10',
    blockedReason: 'waiting for the vendor export',
  })
  await seedPhase(lead, planId, { name: 'Verify totals', plannedStart: '2026-01-11', plannedEnd: '2099-01-20' })
  await seedRisk(lead, planId, { title: 'Invoices lost in transit', impact: 'CRITICAL', likelihood: 'UNLIKELY' })

  await signIn(page, stakeholder)
  await expect(page).toHaveURL(/\/reports$/)
  const row = page.getByTestId('portfolio').getByRole('row').filter({ hasText: title })
  await expect(row).toContainText('Blocked')
  await expect(row).toContainText('Invoices lost in transit')
  await row.getByRole('link', { name: title }).click()
  await expect(page).toHaveURL(new RegExp(`/plans/${planId}/report$`))
  await expect(page.getByTestId('report-status')).toHaveText('Blocked')
  const reasons = page.getByTestId('report-reasons')
  await expect(reasons).toContainText('Phase “Copy invoices” is blocked: waiting for the vendor export.')
  await expect(reasons).toContainText(/Phase “Copy invoices” is overdue by \d+ days \(planned to end 2026-01-10\)\./)
  await expect(reasons).toContainText('Risk “Invoices lost in transit” is open and critical.')
  await expect(page.getByTestId('report-phases').getByRole('row')).toHaveCount(2)
  await expect(page.getByTestId('report-phases')).toContainText(
    /Copy invoices.*Blocked.*2026-01-05 → 2026-01-10.*\d+ d late/,
  )
  await page.screenshot({ path: testInfo.outputPath('report.png'), fullPage: true })
  // On a phone the report's tables scroll inside their regions; the page itself does not grow sideways.
  await page.setViewportSize(PHONE)
  await page.reload()
  await expect(page.getByTestId('report-phases')).toContainText('Copy invoices')
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
  await page.screenshot({ path: testInfo.outputPath('report-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Export Markdown' }).click()
  const markdown = await readFile((await (await download).path()) ?? '', 'utf8')
  expect(markdown).toContain(`# Status report: ${title}`)
  expect(markdown).toContain('## Status: Blocked')
  expect(markdown).toContain('| Phase | Status | Planned | Actual | Slippage (days) | Checklist |')
  expect(markdown).toMatch(/\| Copy invoices \| blocked \| 2026-01-05 → 2026-01-10 \| — \| \d+ \| 0\/0 \|/)

  // Printed, the shell goes away: a document of its own.
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden()
  const pdf = await page.pdf({ format: 'A4' })
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
  await page.emulateMedia({ media: 'screen' })

  // Reading is all a stakeholder may do.
  await page.goto(`/plans/${planId}/edit`)
  await expect(page.getByText(/not found/i).first()).toBeVisible()
  const reply = await callServerAction(
    page.request,
    BASE_URL,
    serverActionId('lib/actions/plans.ts', 'updatePlanAction'),
    [{ planId, title: 'Hijacked', status: 'ACTIVE' }],
  )
  expect(reply).toContain('You do not have permission to do that.')
  expect((await query<{ title: string }>(`SELECT "title" FROM "Plan" WHERE "id" = $1`, [planId]))[0]?.title).toBe(title)
  // Not even a snapshot: the button is not there, and the action refuses a forged call.
  await page.goto(`/plans/${planId}/report`)
  await expect(page.getByTestId('report-status')).toHaveText('Blocked')
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toHaveCount(0)
  const snapshot = await callServerAction(
    page.request,
    BASE_URL,
    serverActionId('lib/actions/reports.ts', 'takeSnapshotAction'),
    [{ planId }],
  )
  expect(snapshot).toContain('You do not have permission to do that.')
  expect(await query(`SELECT 1 FROM "ReportSnapshot" WHERE "takenById" = $1`, [stakeholder.id])).toHaveLength(0)
})
