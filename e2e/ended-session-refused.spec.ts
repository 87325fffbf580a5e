import { expect, test, type Browser, type BrowserContext, type Cookie } from '@playwright/test'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'
import { auditEvents, query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'

// A session ends on the server: once it is signed out, or an admin deactivates its user, a copy of its cookie
// gets nothing – no page, and no answer or renewal from Auth.js's session endpoint.

async function sessionCookie(context: BrowserContext): Promise<Cookie> {
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
  if (!cookie) throw new Error('no session cookie: not signed in')
  return cookie
}

/** A fresh browser holding only `cookie`, as someone who copied it would. */
async function replaying(browser: Browser, cookie: Cookie): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.addCookies([cookie])
  return context
}

async function expectRefused(context: BrowserContext) {
  // The cookie gets past the proxy (it only looks for one); the page itself finds its session ended.
  const page = await context.newPage()
  await page.goto('/plans')
  await expect(page).toHaveURL(/\/login/)
  const response = await context.request.get('/api/auth/session')
  expect(response.status()).toBe(200)
  expect(await response.json()).toBeNull()
  // The endpoint clears the cookie rather than renewing it.
  expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value ?? '').toBe('')
}

const sessionsOf = (userId: string) =>
  query<{ revokedReason: string | null; origin: string | null }>(
    `SELECT "revokedReason", "origin" FROM "UserSession" WHERE "userId" = $1 ORDER BY "createdAt"`,
    [userId],
  )

test('a signed-out session cookie is refused by the session endpoint and by pages', async ({ page, browser }) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  const copy = await sessionCookie(page.context())
  // While the session is open, the copy works like the original.
  const before = await replaying(browser, copy)
  expect(await (await before.request.get('/api/auth/session')).json()).toMatchObject({ user: { email: lead.email } })
  await before.close()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login/)
  const after = await replaying(browser, copy)
  await expectRefused(after)
  await after.close()

  expect(await sessionsOf(lead.id)).toEqual([{ revokedReason: 'sign-out', origin: expect.any(String) }])
  expect((await auditEvents(lead.id)).map((e) => e.action)).toEqual(['auth.signIn', 'auth.signOut'])
})

test('deactivation ends every session of that person at once, the session endpoint included', async ({
  page,
  browser,
}) => {
  const admin = await seedUser('ADMIN')
  const lead = await seedUser('LEAD')
  const leadContext = await browser.newContext()
  await signIn(await leadContext.newPage(), lead)
  const copy = await sessionCookie(leadContext)

  await signIn(page, admin)
  await page.goto('/admin/users')
  const row = page.getByTestId(`user-row-${lead.email}`)
  await row.getByRole('button', { name: 'Deactivate' }).click()
  const dialog = page.getByRole('dialog', { name: `Deactivate ${lead.name}?` })
  await dialog.getByLabel('Confirmation phrase').fill(lead.email)
  await dialog.getByRole('button', { name: 'Deactivate' }).click()
  await expect(row.getByRole('cell', { name: 'Deactivated', exact: true })).toBeVisible()

  const replay = await replaying(browser, copy)
  await expectRefused(replay)
  await replay.close()
  await leadContext.close()
  expect((await sessionsOf(lead.id)).map((s) => s.revokedReason)).toEqual(['deactivated'])
  expect((await auditEvents(lead.id)).map((e) => e.action)).toContain('auth.sessionsEnded')
})
