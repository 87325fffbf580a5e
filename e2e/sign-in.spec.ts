import { expect, test } from '@playwright/test'
import { auditEvents, seedUser, userByEmail } from './fixtures/db'
import { enrolThroughPage, signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'

test('the seeded admin signs in, sets up two-factor sign-in, sees the console and signs out', async ({ page }) => {
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers/)
  await page.getByLabel('Email').fill(E2E.adminEmail)
  await page.getByLabel('Password').fill(E2E.adminPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // An admin's first sign-in leads to setting up two-factor sign-in, and nowhere else until it is done.
  await expect(page).toHaveURL(/\/account\/security$/)
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/account\/security$/)
  await enrolThroughPage(page)
  await page.getByRole('link', { name: 'I have saved them – continue' }).click()
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.getByTestId('current-role')).toHaveText('Admin')
  const nav = page.getByRole('navigation', { name: 'Main' })
  for (const item of ['Plans', 'Windows', 'Connections', 'Runs', 'Reports', 'Admin'])
    await expect(nav.getByRole('link', { name: item })).toBeVisible()
  await expect(page.getByText('Worker online')).toBeVisible()
  // The session cookie: bound to this origin, out of scripts' reach, not sent on cross-site posts, and
  // living as long as the idle limit (30 minutes) – renewed only while the person is active.
  const [session, ...others] = (await page.context().cookies()).filter((c) => c.name.includes('session'))
  expect(others).toEqual([])
  expect(session).toMatchObject({
    name: SESSION_COOKIE,
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    domain: 'localhost',
  })
  const lifetime = (session?.expires ?? 0) - Date.now() / 1000
  expect(lifetime).toBeGreaterThan(29 * 60)
  expect(lifetime).toBeLessThanOrEqual(30 * 60)
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE)

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login/)
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/login/)
})

test('a wrong password is refused, counted and audited', async ({ page }) => {
  const lead = await seedUser('LEAD')
  await page.goto('/login')
  await page.getByLabel('Email').fill(lead.email)
  await page.getByLabel('Password').fill('not the password at all')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible()
  await expect(page).toHaveURL(/\/login/)
  // The email stays filled in; the password does not.
  await expect(page.getByLabel('Email')).toHaveValue(lead.email)
  expect((await userByEmail(lead.email))?.failedSignIns).toBe(1)
  expect((await auditEvents(lead.id)).map((e) => e.action)).toEqual(['auth.signInFailed'])
})

test('repeated failures lock the account, even for the right password', async ({ page }) => {
  const dba = await seedUser('DBA')
  await page.goto('/login')
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel('Password').fill(`guess number ${attempt}`)
    await page.getByLabel('Email').fill(dba.email)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled()
  }
  await expect(
    page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins. Try again in 30 seconds.' }),
  ).toBeVisible()
  await page.getByLabel('Password').fill(dba.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: /Too many failed sign-ins/ })).toBeVisible()
  await expect(page).toHaveURL(/\/login/)
})

test('a stakeholder signs in and sees only what they may read', async ({ page }) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  await expect(page).toHaveURL(/\/reports$/) // the portfolio of status reports is a stakeholder's home
  await expect(page.getByTestId('current-role')).toHaveText('Stakeholder')
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link', { name: 'Plans' })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Reports' })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: 'Connections' })).toHaveCount(0)
})
