import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { FORGED_WRITE } from '@/lib/auth/same-origin'
import { query, seedUser } from './fixtures/db'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'

// A change comes only from a Lockstep page, whatever else the request says: a router-prefetch header does not
// take it past proxy.ts, and X-Forwarded-* headers count only from a trusted proxy (TRUSTED_PROXIES, none here)
// – neither to vouch for a foreign Origin nor to put an address of the client's choosing in the audit log.

const plansTitled = (title: string) => query<{ id: string }>('SELECT "id" FROM "Plan" WHERE "title" = $1', [title])

test('a server action posted with a router-prefetch header and a foreign or missing Origin is refused with 403', async ({
  page,
}) => {
  await signIn(page, await seedUser('LEAD'))
  const title = `Prefetch-forged ${randomUUID().slice(0, 8)}`
  const action = serverActionId('lib/actions/plans.ts', 'createPlanAction')
  for (const origin of ['https://evil.example', null]) {
    const response = await page.request.post('/plans', {
      headers: {
        'Next-Action': action,
        'Next-Router-Prefetch': '1',
        RSC: '1',
        'Content-Type': 'text/plain;charset=UTF-8',
        Accept: 'text/x-component',
        ...(origin ? { Origin: origin } : {}),
      },
      data: JSON.stringify([{ title }]),
    })
    expect(response.status(), String(origin)).toBe(403)
    expect(await response.text()).toBe(FORGED_WRITE)
  }
  expect(await plansTitled(title)).toEqual([])
})

test('a foreign Origin is refused even when X-Forwarded-Host names it, from a client that is not a trusted proxy', async ({
  page,
}) => {
  await signIn(page, await seedUser('LEAD'))
  const title = `Forwarded-forged ${randomUUID().slice(0, 8)}`
  const response = await page.request.post('/plans', {
    headers: {
      'Next-Action': serverActionId('lib/actions/plans.ts', 'createPlanAction'),
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
      Origin: 'https://evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
    },
    data: JSON.stringify([{ title }]),
  })
  expect(response.status()).toBe(403)
  expect(await response.text()).toBe(FORGED_WRITE)
  expect(await plansTitled(title)).toEqual([])
})

test("the audit log records the connection's address, not an X-Forwarded-For the client wrote", async ({ page }) => {
  await signIn(page, await seedUser('LEAD'))
  const title = `Forwarded-for ${randomUUID().slice(0, 8)}`
  await callServerAction(
    page.request,
    BASE_URL,
    serverActionId('lib/actions/plans.ts', 'createPlanAction'),
    [{ title }],
    { 'X-Forwarded-For': '203.0.113.77', 'X-Real-IP': '203.0.113.77' },
  )
  const [plan] = await plansTitled(title)
  expect(plan).toBeDefined()
  const origins = await query<{ origin: string | null }>('SELECT "origin" FROM "AuditEvent" WHERE "entityId" = $1', [
    plan?.id,
  ])
  expect(origins.length).toBeGreaterThan(0)
  for (const { origin } of origins) expect(origin).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/)
})

test('router prefetches still work, and pass through the same checks', async ({ page, request }) => {
  await signIn(page, await seedUser('LEAD'))
  const prefetch = await page.request.get('/plans', { headers: { RSC: '1', 'Next-Router-Prefetch': '1' } })
  expect(prefetch.status()).toBe(200)
  expect(prefetch.headers()['content-type']).toContain('text/x-component')
  // Signed out, a prefetch is sent to sign in like any other request: proxy.ts saw it.
  const signedOut = await request.get('/plans', { headers: { RSC: '1', 'Next-Router-Prefetch': '1' }, maxRedirects: 0 })
  expect(signedOut.status()).toBe(307)
  expect(signedOut.headers().location).toMatch(/\/login\?next=%2Fplans$/)
})
