import { randomUUID } from 'node:crypto'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { auditEvents, query, seedUser } from './fixtures/db'
import { startIdentityProvider, type IdpAccount } from './fixtures/identity-provider'
import { signIn } from './fixtures/session'
import { SSO } from './fixtures/settings'

// Single sign-on against a real OpenID provider (oidc-provider) this spec starts; the app is configured for it
// in playwright.config.ts. Each person signs in from a fresh browser, as the provider remembers who signed in.

const accounts = new Map<string, IdpAccount>()
let idp: Awaited<ReturnType<typeof startIdentityProvider>>

test.beforeAll(async () => {
  idp = await startIdentityProvider(accounts)
})
test.afterAll(async () => {
  await query(`UPDATE "AppSettings" SET "requireSso" = false`)
  await idp?.stop()
})

function person(groups: string[]): { login: string } & IdpAccount {
  const login = `idp-${randomUUID().slice(0, 8)}`
  const account = { email: `${login}@acme.example`, email_verified: true, name: `Ada ${login}`, groups }
  accounts.set(login, account)
  return { login, ...account }
}

const storedUser = async (email: string) =>
  (
    await query<{
      id: string
      role: string
      passwordHash: string | null
      oidcIssuer: string | null
      isActive: boolean
    }>(`SELECT "id", "role", "passwordHash", "oidcIssuer", "isActive" FROM "User" WHERE "email" = $1`, [email])
  )[0] ?? null

/** From Lockstep's sign-in page through the provider's sign-in and consent pages, back to Lockstep. */
async function signInThroughProvider(page: Page, login: string, screenshot?: (name: string) => Promise<void>) {
  await page.goto('/login')
  await page.getByRole('button', { name: `Continue with ${SSO.name}` }).click()
  await expect(page).toHaveURL(new RegExp(`^${SSO.issuer}/interaction/`))
  await page.getByPlaceholder('Enter any login').fill(login)
  await page.getByPlaceholder('and password').fill('any password')
  await screenshot?.('provider-sign-in')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage()
}

test('the sign-in page offers single sign-on, on a desktop and a phone, and with the keyboard', async ({
  page,
}, testInfo) => {
  await page.goto('/login')
  const button = page.getByRole('button', { name: `Continue with ${SSO.name}` })
  await expect(button).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('login-desktop.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(button).toBeInViewport()
  await page.screenshot({ path: testInfo.outputPath('login-phone.png'), fullPage: true })
  await page.getByRole('button', { name: 'Sign in', exact: true }).focus()
  await page.keyboard.press('Tab')
  await expect(button).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`^${SSO.issuer}/interaction/`))
})

test('a first sign-in creates the person with the role their group maps to, without a password', async ({
  browser,
}, testInfo) => {
  const lead = person(['staff', 'acme-leads'])
  const page = await freshPage(browser)
  await signInThroughProvider(page, lead.login, (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }).then(() => undefined),
  )
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await expect(page.getByTestId('current-role')).toHaveText('Project lead')
  await page.screenshot({ path: testInfo.outputPath('signed-in-through-provider.png') })
  const stored = await storedUser(lead.email)
  expect(stored).toMatchObject({ role: 'LEAD', passwordHash: null, oidcIssuer: SSO.issuer, isActive: true })
  expect((await auditEvents(stored?.id ?? '')).map((e) => e.action)).toEqual(['user.createdBySso', 'auth.ssoSignIn'])
  const sessions = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "UserSession" WHERE "userId" = $1 AND "revokedAt" IS NULL`,
    [stored?.id],
  )
  expect(sessions[0]?.n).toBe(1)
  await page.context().close()
})

test('a person in no mapped group is refused, and nobody is created', async ({ browser }, testInfo) => {
  const outsider = person(['contractors'])
  const page = await freshPage(browser)
  await signInThroughProvider(page, outsider.login)
  await expect(page).toHaveURL(/\/login\?sso=no-role$/)
  const message = page.getByRole('alert').filter({ hasText: 'in no group that has access to Lockstep' })
  await expect(message).toBeFocused()
  await page.screenshot({ path: testInfo.outputPath('refused-no-role.png') })
  expect(await storedUser(outsider.email)).toBeNull()
  await page.context().close()
})

test('a person an admin deactivated loses their open session and is refused at the next sign-in', async ({
  page,
  browser,
}) => {
  const dba = person(['acme-dbas'])
  const theirs = await freshPage(browser)
  await signInThroughProvider(theirs, dba.login)
  // Their role requires two-factor sign-in: the session opens on setting it up.
  await expect(theirs).toHaveURL(/\/account\/security$/)
  const stored = await storedUser(dba.email)
  expect(stored).toMatchObject({ role: 'DBA' })

  const admin = await seedUser('ADMIN')
  await signIn(page, admin)
  await page.goto('/admin/users')
  const row = page.getByTestId(`user-row-${dba.email}`)
  await row.getByRole('button', { name: 'Deactivate' }).click()
  const dialog = page.getByRole('dialog', { name: `Deactivate ${dba.name}?` })
  await dialog.getByLabel('Confirmation phrase').fill(dba.email)
  await dialog.getByRole('button', { name: 'Deactivate' }).click()
  await expect(row.getByRole('cell', { name: 'Deactivated', exact: true })).toBeVisible()

  await theirs.reload()
  await expect(theirs).toHaveURL(/\/login/)
  await theirs.context().close()
  const again = await freshPage(browser)
  await signInThroughProvider(again, dba.login)
  await expect(again).toHaveURL(/\/login\?sso=disabled$/)
  await expect(again.getByRole('alert').filter({ hasText: 'Your Lockstep account is deactivated' })).toBeFocused()
  await expect(again.getByRole('button', { name: 'Sign out' })).toHaveCount(0)
  const actions = (await auditEvents(stored?.id ?? '')).map((e) => e.action)
  expect(actions.slice(-1)).toEqual(['auth.ssoRefused'])
  await again.context().close()
})

test('with single sign-on required, a lead’s password is refused and an admin’s still works', async ({
  page,
  browser,
}, testInfo) => {
  const lead = await seedUser('LEAD')
  const leadPage = await freshPage(browser)
  await signIn(leadPage, lead)
  await leadPage.context().close()

  const admin = await seedUser('ADMIN')
  await signIn(page, admin)
  await page.goto('/admin/sign-in')
  await expect(page.getByText('Not required')).toBeVisible()
  await page.getByRole('button', { name: 'Require single sign-on' }).click()
  await expect(page.getByText('Required', { exact: true })).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('admin-sign-in-settings.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: testInfo.outputPath('admin-sign-in-settings-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })
  expect(
    await query(`SELECT 1 FROM "AuditEvent" WHERE "action" = 'settings.requireSso' AND "actorLabel" = $1`, [
      admin.email,
    ]),
  ).toHaveLength(1)

  const refused = await freshPage(browser)
  await refused.goto('/login')
  await refused.getByLabel('Email').fill(lead.email)
  await refused.getByLabel('Password').fill(lead.password)
  await refused.getByRole('button', { name: 'Sign in', exact: true }).click()
  const why = `Password sign-in is turned off for your account. Use “Continue with ${SSO.name}” below.`
  await expect(refused.getByRole('alert').filter({ hasText: why })).toBeVisible()
  await refused.screenshot({ path: testInfo.outputPath('refused-password.png') })
  await refused.context().close()

  const breakGlass = await freshPage(browser)
  await signIn(breakGlass, admin)
  await breakGlass.context().close()

  await page.getByRole('button', { name: 'Allow password sign-in again' }).click()
  await expect(page.getByText('Not required')).toBeVisible()
  const back = await freshPage(browser)
  await signIn(back, lead)
  await back.context().close()
})
