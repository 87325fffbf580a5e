import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'
import { SESSION_COOKIE } from '@/lib/auth/session-rules'

test('a stakeholder cannot reach the admin pages', async ({ page }) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  for (const path of ['/admin/users', '/admin/audit', '/connections']) {
    const response = await page.goto(path)
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible()
    await expect(page.getByText('admin@e2e.lockstep')).toHaveCount(0)
  }
})

test('a stakeholder calling the create-user server action directly is refused and nothing is written', async ({
  page,
}) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  await signIn(page, stakeholder)
  const actionId = serverActionId('lib/actions/users.ts', 'createUserAction')
  const email = `forged-${Date.now()}@e2e.lockstep`
  const before = await query<{ n: string }>('SELECT count(*)::text AS n FROM "AuditEvent"')

  const reply = await callServerAction(page.request, BASE_URL, actionId, [
    { name: 'Forged', email, role: 'ADMIN', password: 'forged password 123' },
  ])

  expect(reply).toContain('You do not have permission to do that.')
  expect(await query('SELECT 1 FROM "User" WHERE "email" = $1', [email])).toHaveLength(0)
  expect(await query<{ n: string }>('SELECT count(*)::text AS n FROM "AuditEvent"')).toEqual(before)
})

test('the same hand-made request works for an admin (so the refusal above is the permission check)', async ({
  page,
}) => {
  const admin = await seedUser('ADMIN')
  await signIn(page, admin)
  const email = `direct-${Date.now()}@e2e.lockstep`
  const reply = await callServerAction(
    page.request,
    BASE_URL,
    serverActionId('lib/actions/users.ts', 'createUserAction'),
    [{ name: 'Direct', email, role: 'LEAD', password: 'direct password 123' }],
  )
  expect(reply).toContain(`can now sign in as ${email}`)
  expect(await query('SELECT 1 FROM "User" WHERE "email" = $1', [email])).toHaveLength(1)
})

test('a visitor with a forged session cookie is refused by the action itself', async ({ request }) => {
  const email = `anonymous-${Date.now()}@e2e.lockstep`
  // Any cookie gets past the optimistic proxy, so the action's own check is what answers.
  const reply = await callServerAction(
    request,
    BASE_URL,
    serverActionId('lib/actions/users.ts', 'createUserAction'),
    [{ name: 'Anon', email, role: 'ADMIN', password: 'anonymous password 1' }],
    { Cookie: `${SESSION_COOKIE}=forged.session.token` },
  )
  expect(reply).toContain('Your session has ended. Sign in again.')
  expect(await query('SELECT 1 FROM "User" WHERE "email" = $1', [email])).toHaveLength(0)
})
