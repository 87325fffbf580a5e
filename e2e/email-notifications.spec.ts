import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { startSmtpServer, type TestSmtpServer } from '@/lib/testing/smtp-server'
import { query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPlan } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { BASE_URL, E2E_SMTP } from './fixtures/settings'

// A DBA ticks "email me" for windows awaiting approval; a lead requests a window in the browser; the app's
// worker sends the email to a real SMTP server this spec runs where the app's SMTP_URL points
// (playwright.config.ts), and the DBA who did not tick gets the notice in the bell only.

let smtp: TestSmtpServer
test.beforeAll(async () => {
  smtp = await startSmtpServer({ port: E2E_SMTP.port, user: E2E_SMTP.user, password: E2E_SMTP.password })
})
test.afterAll(async () => smtp.close())

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16)

test('a DBA who chose email for windows awaiting approval gets one when a lead requests a window', async ({
  page,
  browser,
}, testInfo) => {
  const dba = await seedUser('DBA', 'emailed-dba')
  const quiet = await seedUser('DBA', 'quiet-dba')
  const lead = await seedUser('LEAD', 'emailing-lead')
  const env = `mail-${randomUUID().slice(0, 6)}`
  const title = `Emailed plan ${randomUUID().slice(0, 6)}`
  await seedEnvironment(env)
  await seedPlan(lead, { title })

  await signIn(page, dba)
  await page.goto('/notifications')
  const section = page.getByRole('region', { name: 'Email' })
  await expect(section).toContainText(dba.email)
  await expect(section.getByRole('status')).toHaveCount(0) // email is set up: no "not set up" note
  const box = section.getByRole('checkbox', { name: 'Windows awaiting your approval', exact: true })
  await expect(box).not.toBeChecked()
  await expect(section.getByRole('checkbox')).toHaveCount(6)
  // With the keyboard: Space ticks the focused box.
  await box.focus()
  await page.keyboard.press('Space')
  await expect(box).toBeChecked()
  await section.getByRole('button', { name: 'Save email choices' }).click()
  await expect(section.getByRole('status')).toHaveText('Saved. Those notices are also sent to you by email.')
  expect(
    await query<{ kind: string }>(
      `SELECT "kind"::text AS "kind" FROM "NotificationPreference" WHERE "userId" = $1 AND "email"`,
      [dba.id],
    ),
  ).toEqual([{ kind: 'WINDOW_AWAITING_APPROVAL' }])
  await section.screenshot({ path: testInfo.outputPath('email-preferences.png') })
  await page.reload()
  await expect(page.getByRole('checkbox', { name: 'Windows awaiting your approval', exact: true })).toBeChecked()
  await page.setViewportSize({ width: 390, height: 844 })
  await page.getByRole('region', { name: 'Email' }).scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('email-preferences-phone.png'), fullPage: true })

  const leadPage = await (await browser.newContext()).newPage()
  await signIn(leadPage, lead)
  await leadPage.goto('/windows')
  await leadPage.getByLabel('Environment').selectOption({ label: env })
  await leadPage.getByLabel('Plan').selectOption({ label: title })
  await leadPage.getByLabel('Starts (UTC)').fill(inHours(24))
  await leadPage.getByLabel('Ends (UTC)').fill(inHours(26))
  await leadPage.getByLabel('Reason').fill('Reindex the orders table')
  await leadPage.getByRole('button', { name: 'Request window' }).click()
  await expect(
    leadPage.getByRole('region', { name: 'Awaiting approval' }).getByTestId('window').filter({ hasText: env }),
  ).toBeVisible()

  await expect.poll(() => smtp.to(dba.email).length, { timeout: 30_000 }).toBe(1)
  const [mail] = smtp.to(dba.email)
  expect(mail?.subject).toBe(`Window on ${env} awaits your approval`)
  expect(mail?.from?.value[0]?.address).toBe('lockstep@e2e.lockstep')
  expect(mail?.text).toContain('Reindex the orders table')
  expect(mail?.text).toContain(`Open it in Lockstep: ${BASE_URL}/windows`)
  expect(mail?.text).toContain(`untick it under Email on ${BASE_URL}/notifications`)
  const deliveries = await query<{ userId: string; status: string; messageId: string | null }>(
    `SELECT "userId"::text AS "userId", "status"::text AS "status", "messageId" FROM "EmailDelivery"
      WHERE "userId" = ANY($1::uuid[])`,
    [[dba.id, quiet.id]],
  )
  expect(deliveries).toEqual([{ userId: dba.id, status: 'DELIVERED', messageId: mail?.messageId }])
  // The DBA who did not choose email has the notice in the bell, and no email.
  expect(smtp.to(quiet.email)).toEqual([])
  const [bell] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notification" WHERE "userId" = $1`, [
    quiet.id,
  ])
  expect(bell?.n).toBe(1)
})
