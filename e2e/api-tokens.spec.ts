import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// A person creates an API token in the browser, sees it once, uses it against /api/v1 as a pipeline would (no
// cookie, no Origin), sees the requests on the token's row, revokes it – and the token is refused from then on.

test('a token is created, shown once, used against /api/v1, listed with its requests and revoked', async ({
  page,
  playwright,
}, testInfo) => {
  const lead = await seedUser('LEAD', 'token owner')
  await signIn(page, lead)
  await page.getByRole('link', { name: 'API tokens' }).click()
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible()
  await expect(page.getByText('No tokens yet')).toBeVisible()

  await page.getByLabel('Token name').fill('GitHub Actions')
  await page.getByLabel('Expires').selectOption('90')
  await page.getByRole('checkbox', { name: /^plans:write/ }).check()
  await page.getByRole('button', { name: 'Create token' }).click()
  const shown = page.getByLabel('The new token')
  await expect(shown).toHaveText(/^lst_[A-Za-z0-9_-]{43}$/)
  const secret = (await shown.textContent()) ?? ''
  await page.screenshot({ path: testInfo.outputPath('token-created.png'), fullPage: true })
  await page.setViewportSize(PHONE)
  await page.screenshot({ path: testInfo.outputPath('token-created-phone.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByLabel('The new token')).toHaveCount(0)
  await page.reload()
  expect(await page.content()).not.toContain(secret)
  const [stored] = await query<{ secretHash: string; prefix: string }>(
    `SELECT "secretHash", "prefix" FROM "ApiToken" WHERE "userId" = $1`,
    [lead.id],
  )
  expect(stored?.secretHash).not.toContain(secret)
  expect(secret.startsWith(stored?.prefix ?? '-')).toBe(true)

  // A pipeline: no cookie, no Origin, just the token.
  const api = await playwright.request.newContext({ baseURL: page.url() })
  const auth = { Authorization: `Bearer ${secret}` }
  const me = await api.get('/api/v1/me', { headers: auth })
  expect(me.status()).toBe(200)
  expect(await me.json()).toMatchObject({ email: lead.email, role: 'LEAD', token: { scopes: ['read', 'plans:write'] } })
  const plans = (await (await api.get('/api/v1/plans?limit=1', { headers: auth })).json()) as {
    items: { id: string }[]
  }
  const planId = plans.items[0]?.id ?? ''
  const plan = await api.get(`/api/v1/plans/${planId}`, { headers: auth })
  expect(plan.status()).toBe(200)
  expect(await plan.json()).toMatchObject({ id: planId, phases: expect.any(Array) })
  const refused = await api.post('/api/v1/runs', {
    headers: auth,
    data: { planId, phaseId: planId, environmentId: planId },
  })
  expect(refused.status()).toBe(403)
  expect((await refused.json()).detail).toBe('This token lacks the scope “runs:start”.')

  await page.reload()
  const row = page.getByTestId('token-GitHub Actions')
  await expect(row.getByText('Active')).toBeVisible()
  await row.getByText(/^Requests \(4\)/).click()
  await expect(row.getByRole('cell', { name: `GET /api/v1/plans/${planId}` })).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('token-used.png'), fullPage: true })

  await row.getByRole('button', { name: 'Revoke GitHub Actions' }).click()
  await expect(page.getByRole('dialog')).toContainText('Requests with this token are refused from now on.')
  await page.getByRole('button', { name: 'Revoke token' }).click()
  await expect(row.getByText('Revoked', { exact: true })).toBeVisible()
  const after = await api.get('/api/v1/me', { headers: auth })
  expect(after.status()).toBe(401)
  expect(after.headers()['content-type']).toBe('application/problem+json')
  await api.dispose()
  const audit = await query<{ action: string }>(
    `SELECT "action" FROM "AuditEvent" WHERE "actorId" = $1 AND "entityType" = 'ApiToken' ORDER BY "id"`,
    [lead.id],
  )
  expect(audit.map((a) => a.action)).toEqual(['token.create', 'token.revoke'])
})

test('an admin creates a service account with a role and its token; the account cannot sign in', async ({
  page,
  playwright,
}, testInfo) => {
  const admin = await seedUser('ADMIN', 'service admin')
  await signIn(page, admin)
  await page.goto('/admin/service-accounts')
  const name = `Deploy bot ${Date.now().toString(36)}`
  // Other accounts' "new token" forms are on the page too, folded away: this is the new account's form.
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'New service account' }) })
  await form.getByLabel('Account name').fill(name)
  await form.getByLabel('Role').selectOption('DBA')
  await form.getByLabel('Token name').fill('CI')
  await form.getByRole('checkbox', { name: /^runs:start/ }).check()
  await form.getByRole('button', { name: 'Create service account' }).click()
  const secret = (await form.getByLabel('The new token').textContent()) ?? ''
  expect(secret).toMatch(/^lst_/)
  await form.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await page.setViewportSize(PHONE)
  await page.screenshot({ path: testInfo.outputPath('service-accounts-phone.png'), fullPage: true })
  const api = await playwright.request.newContext({ baseURL: page.url() })
  const me = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } })
  expect(await me.json()).toMatchObject({
    name,
    role: 'DBA',
    email: expect.stringMatching(/@service\.lockstep\.invalid$/),
  })
  await api.dispose()
  const [account] = await query<{ passwordHash: string | null; isService: boolean }>(
    `SELECT "passwordHash", "isService" FROM "User" WHERE "name" = $1`,
    [name],
  )
  expect(account).toEqual({ passwordHash: null, isService: true })
})
