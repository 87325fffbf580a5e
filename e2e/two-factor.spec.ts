import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { auditEvents, authenticatorCode, query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPlan, seedWindowRequest } from './fixtures/seed'
import { enrolThroughPage, signIn } from './fixtures/session'

// Admins and DBAs sign in with a code from an authenticator app (TOTP) or a one-time recovery code; until
// they have set it up, setting it up is all they can do. Changing production asks for a fresh code.

const userRow = async (id: string) =>
  (
    await query<{ totpEnabledAt: Date | null; failedSignIns: number }>(
      'SELECT "totpEnabledAt", "failedSignIns" FROM "User" WHERE "id" = $1',
      [id],
    )
  )[0]

test('a DBA sets up two-factor sign-in at the first sign-in, then signs in with a code or a recovery code – once', async ({
  page,
}, testInfo) => {
  const dba = await seedUser('DBA', 'newcomer dba', { mfa: false })
  await signIn(page, dba)
  await expect(page).toHaveURL(/\/account\/security$/)
  await expect(page.getByRole('status')).toContainText('Your role (DBA) can change production')
  await page.goto('/plans')
  await expect(page).toHaveURL(/\/account\/security$/)

  // A wrong code is refused and nothing is switched on.
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click()
  await page.getByLabel('Code from the app').fill('000000')
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  await expect(page.getByText('That code is not right.')).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('mfa-setup.png'), fullPage: true })
  expect((await userRow(dba.id))?.totpEnabledAt).toBeNull()
  // Starting again shows a new key; the one shown before is void.
  await page.reload()
  const { secret, recoveryCodes } = await enrolThroughPage(page)
  await page.screenshot({ path: testInfo.outputPath('mfa-recovery-codes.png'), fullPage: true })
  expect((await userRow(dba.id))?.totpEnabledAt).not.toBeNull()
  expect((await auditEvents(dba.id)).map((e) => e.action)).toContain('user.mfa-enable')
  await page.getByRole('link', { name: 'I have saved them – continue' }).click()
  await expect(page.getByTestId('current-role')).toHaveText('DBA')

  // Next sign-in: the password, then the code. A wrong code is refused and counted.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('Email').fill(dba.email)
  await page.getByLabel('Password').fill(dba.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText(`Two-factor sign-in is on for ${dba.email}.`)).toBeVisible()
  await page.getByLabel('Authentication code').fill('123456')
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'code' })).toHaveText(
    'That code is not right. Enter the 6 digits your authenticator shows now, or a recovery code.',
  )
  await page.screenshot({ path: testInfo.outputPath('mfa-sign-in-code.png'), fullPage: true })
  expect((await userRow(dba.id))?.failedSignIns).toBe(1)
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0)

  // A recovery code signs in, once.
  const recovery = recoveryCodes[0] ?? ''
  await page.getByLabel('Authentication code').fill(recovery)
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByTestId('current-role')).toHaveText('DBA')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('Email').fill(dba.email)
  await page.getByLabel('Password').fill(dba.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByLabel('Authentication code').fill(recovery)
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'code' })).toContainText('That code is not right.')
  // The app's current code does.
  await page.getByLabel('Authentication code').fill(await authenticatorCode(dba.id, secret))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByTestId('current-role')).toHaveText('DBA')
  const signIns = (await auditEvents(dba.id)).filter((e) => e.action === 'auth.signIn').map((e) => e.after)
  expect(signIns.slice(-2)).toEqual([{ secondFactor: 'recovery' }, { secondFactor: 'totp' }])
  await page.goto('/account/security')
  await expect(page.getByTestId('mfa-status')).toContainText('9 of 10 recovery codes left.')
})

test('an admin resets a DBA’s lost authenticator: their sessions end and they set it up again', async ({
  page,
  browser,
}) => {
  const admin = await seedUser('ADMIN')
  const dba = await seedUser('DBA')
  const dbaContext = await browser.newContext()
  const dbaPage = await dbaContext.newPage()
  await signIn(dbaPage, dba)

  await signIn(page, admin)
  await page.goto('/admin/users')
  const row = page.getByTestId(`user-row-${dba.email}`)
  await expect(row).toContainText('Two-factor')
  await row.getByRole('button', { name: 'Reset two-factor' }).click()
  const dialog = page.getByRole('dialog', { name: `Reset two-factor sign-in for ${dba.name}?` })
  const confirm = dialog.getByRole('button', { name: 'Reset two-factor' })
  await expect(confirm).toBeDisabled()
  await dialog.getByLabel('Confirmation phrase').fill(dba.email)
  await confirm.click()
  await expect(row).not.toContainText('Two-factor')
  expect((await userRow(dba.id))?.totpEnabledAt).toBeNull()
  // The reset, and the end of the sessions it ends, in one transaction.
  expect(
    (await auditEvents(dba.id))
      .slice(-2)
      .map((e) => [e.action, e.actorLabel])
      .sort(),
  ).toEqual([
    ['auth.sessionsEnded', admin.email],
    ['user.mfa-reset', admin.email],
  ])

  await dbaPage.reload()
  await expect(dbaPage).toHaveURL(/\/login/)
  await signIn(dbaPage, { email: dba.email, password: dba.password })
  await expect(dbaPage).toHaveURL(/\/account\/security$/)
  await expect(dbaPage.getByRole('button', { name: 'Set up two-factor sign-in' })).toBeVisible()
  await dbaContext.close()
})

test('approving a production window asks for a fresh code once the last one is older than 15 minutes', async ({
  page,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const env = `prod-${randomUUID().slice(0, 6)}`
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000)
  const windowId = await seedWindowRequest(lead, {
    environmentId: await seedEnvironment(env, { protected: true }),
    planId: await seedPlan(lead, { title: `Reauth ${env}` }),
    startsAt: inHours(24),
    endsAt: inHours(26),
    latestStartAt: inHours(25),
    reason: 'cutover',
  })
  const status = async () =>
    (await query<{ status: string }>('SELECT "status" FROM "MaintenanceWindow" WHERE "id" = $1', [windowId]))[0]?.status

  await signIn(page, dba)
  // Signed in with a code 16 minutes ago.
  await query(`UPDATE "User" SET "secondFactorAt" = now() - interval '16 minutes' WHERE "id" = $1`, [dba.id])
  await page.goto('/windows')
  const window = page.getByTestId('window').filter({ hasText: env })
  await window.getByRole('button', { name: /^Approve/ }).click()
  await window.getByLabel(`Type ${env} to approve.`).fill(env)
  await window.getByRole('button', { name: 'Approve window' }).click()
  await expect(window.getByRole('alert')).toHaveText(
    `Confirm it is you to approve a window on “${env}”: enter the 6-digit code from your authenticator.`,
  )
  await window.screenshot({ path: testInfo.outputPath('reauth-window.png') })
  expect(await status()).toBe('REQUESTED')

  await window.getByLabel('Code from your authenticator').fill('000000')
  await window.getByRole('button', { name: 'Approve window' }).click()
  await expect(window.getByRole('alert')).toContainText('That code is not right.')
  expect(await status()).toBe('REQUESTED')
  await window.getByLabel('Code from your authenticator').fill(await authenticatorCode(dba.id, dba.totpSecret ?? ''))
  await window.getByRole('button', { name: 'Approve window' }).click()
  await expect(
    page.getByRole('region', { name: 'Approved: active and upcoming' }).getByTestId('window').filter({ hasText: env }),
  ).toContainText('Approved')
  expect(await status()).toBe('APPROVED')
  expect((await auditEvents(dba.id)).map((e) => e.action).slice(-2)).toEqual([
    'auth.reauthFailed',
    'auth.reauthenticate',
  ])
})
