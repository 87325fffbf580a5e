import { expect, test } from '@playwright/test'
import { auditEvents, seedUser, userByEmail } from './fixtures/db'
import { signIn } from './fixtures/session'

test('an admin creates a user who can then sign in; one audit event records it', async ({ page, browser }) => {
  const admin = await seedUser('ADMIN')
  await signIn(page, admin)
  await page.goto('/admin/users')
  const email = `created-${Date.now()}@e2e.lockstep`
  const form = page
    .getByRole('form')
    .or(page.locator('form').filter({ has: page.getByRole('button', { name: 'Add user' }) }))
  await form.getByLabel('Name').fill('Ada Lovelace')
  await form.getByLabel('Email').fill(email)
  await form.getByLabel('Role').selectOption('LEAD')
  await form.getByLabel('Initial password').fill('ada password 1843')
  await form.getByRole('button', { name: 'Add user' }).click()
  await expect(page.getByText(`Ada Lovelace can now sign in as ${email}.`)).toBeVisible()
  await expect(page.getByTestId(`user-row-${email}`)).toContainText('Ada Lovelace')

  const stored = await userByEmail(email)
  expect(stored).toMatchObject({ role: 'LEAD', isActive: true })
  const events = await auditEvents(stored?.id ?? '')
  expect(events).toHaveLength(1)
  expect(events[0]).toMatchObject({
    action: 'user.create',
    actorLabel: admin.email,
    after: { email, role: 'LEAD', name: 'Ada Lovelace', isActive: true },
  })

  const context = await browser.newContext()
  const newcomer = await context.newPage()
  await signIn(newcomer, { email, password: 'ada password 1843' })
  await expect(newcomer.getByTestId('current-role')).toHaveText('Project lead')
  await context.close()
})

test('invalid input gets field messages and writes nothing', async ({ page }) => {
  const admin = await seedUser('ADMIN')
  await signIn(page, admin)
  await page.goto('/admin/users')
  const email = `invalid-${Date.now()}@e2e.lockstep`
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Initial password').fill('short')
  await page.getByRole('button', { name: 'Add user' }).click()
  await expect(page.getByText('Enter a name.')).toBeVisible()
  await expect(page.getByText('Use at least 12 characters.')).toBeVisible()
  // Nothing typed is lost when the server refuses.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email)
  expect(await userByEmail(email)).toBeNull()
})

test('deactivating asks for the email, ends their session at once, and is audited', async ({ page, browser }) => {
  const admin = await seedUser('ADMIN')
  const lead = await seedUser('LEAD')
  const context = await browser.newContext()
  const leadPage = await context.newPage()
  await signIn(leadPage, lead)

  await signIn(page, admin)
  await page.goto('/admin/users')
  const row = page.getByTestId(`user-row-${lead.email}`)
  await row.getByRole('button', { name: 'Deactivate' }).click()
  const dialog = page.getByRole('dialog', { name: `Deactivate ${lead.name}?` })
  const confirm = dialog.getByRole('button', { name: 'Deactivate' })
  await expect(confirm).toBeDisabled()
  await dialog.getByLabel('Confirmation phrase').fill(lead.email)
  await confirm.click()
  await expect(row.getByRole('cell', { name: 'Deactivated', exact: true })).toBeVisible()
  await expect.poll(async () => (await userByEmail(lead.email))?.isActive).toBe(false)
  expect((await auditEvents(lead.id)).filter((e) => e.action === 'user.deactivate')).toHaveLength(1)

  await leadPage.reload()
  await expect(leadPage).toHaveURL(/\/login/)
  await leadPage.getByLabel('Email').fill(lead.email)
  await leadPage.getByLabel('Password').fill(lead.password)
  await leadPage.getByRole('button', { name: 'Sign in' }).click()
  await expect(leadPage.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible()
  await context.close()
})

test('the audit log shows changes and filters by action', async ({ page }) => {
  const admin = await seedUser('ADMIN')
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, admin)
  await page.goto('/admin/users')
  await page.getByLabel(`Role of ${stakeholder.email}`).selectOption('LEAD')
  await expect.poll(async () => (await userByEmail(stakeholder.email))?.role).toBe('LEAD')

  await page.goto('/admin/audit')
  await page.getByLabel('Action').selectOption('user.changeRole')
  await page.getByLabel('Actor').fill(admin.email)
  await page.getByRole('button', { name: 'Filter' }).click()
  const rows = page.getByTestId('audit-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('user.changeRole')
  // The change reads one field a line: before, then after.
  await expect(rows.first().getByRole('definition')).toHaveText(['role: "STAKEHOLDER"', 'role: "LEAD"'])
  // The entity by its name, not by the start of a time-ordered id that every user made that minute shares.
  await expect(rows.first().getByRole('link', { name: stakeholder.email })).toBeVisible()
})
