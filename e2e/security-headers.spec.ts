import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { seedPlan } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'

// Every page carries a strict Content-Security-Policy with a fresh nonce on each of its scripts and no
// framing; the console works under it without a single violation; Markdown written into a plan is shown as
// text, never run.

const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1]

test('pages carry a nonce-based policy that forbids framing, and every script has the nonce', async ({ request }) => {
  const first = await request.get('/login')
  const second = await request.get('/login')
  const policy = first.headers()['content-security-policy']
  expect(policy).toContain("frame-ancestors 'none'")
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'(;|$)/)
  expect(first.headers()['x-frame-options']).toBe('DENY')
  const nonce = nonceOf(policy)
  expect(nonce).toBeTruthy()
  expect(nonceOf(second.headers()['content-security-policy'])).not.toBe(nonce)
  const scripts = [...(await first.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
  expect(scripts.length).toBeGreaterThan(0)
  for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`)
})

test('the console runs under the policy without a violation, and Markdown with HTML in it is shown as text', async ({
  page,
}) => {
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`Refused to load: ${event.violatedDirective} ${event.blockedURI}`),
    )
  })
  const lead = await seedUser('LEAD')
  const title = `Hostile summary ${randomUUID().slice(0, 8)}`
  const planId = await seedPlan(lead, {
    title,
    summary:
      'Before <script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> after, and [a link](javascript:window.__pwned=3).',
  })
  await signIn(page, lead)
  for (const path of [
    '/plans',
    `/plans/${planId}`,
    `/plans/${planId}/report`,
    '/runs',
    '/windows',
    '/connections',
    '/reports',
  ]) {
    await page.goto(path)
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  }
  // Client-side navigation and a live view after hydration.
  await page.getByRole('link', { name: 'Plans', exact: true }).click()
  await page.waitForURL(/\/plans$/)
  await page.getByRole('link', { name: title }).click()
  await page.waitForURL(`**/plans/${planId}`)
  await expect(page.getByRole('heading', { name: title, exact: true })).toBeVisible()
  // The tags are dropped; nothing they held runs.
  // The summary's paragraph: the one that starts with its first word (others on the page mention "before" too).
  const summary = page.locator('article p', { hasText: /^Before/ })
  await expect(summary).toContainText('after, and a link')
  expect(await page.locator('article script, article img[src="x"]').count()).toBe(0)
  expect((await page.locator('article a', { hasText: 'a link' }).getAttribute('href')) ?? '').not.toContain(
    'javascript:',
  )
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  expect(violations).toEqual([])
})

test('a change posted without an Origin, or from another site, is refused before any action runs', async ({ page }) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  const title = `Forged ${randomUUID().slice(0, 8)}`
  const action = serverActionId('lib/actions/plans.ts', 'createPlanAction')
  for (const origin of [null, 'https://evil.example', 'null']) {
    const response = await page.request.post('/plans', {
      headers: {
        'Next-Action': action,
        'Content-Type': 'text/plain;charset=UTF-8',
        Accept: 'text/x-component',
        ...(origin ? { Origin: origin } : {}),
      },
      data: JSON.stringify([{ title }]),
    })
    expect(response.status(), String(origin)).toBe(403)
    expect(await response.text()).toContain('a change must come from a Lockstep page')
  }
  expect(await query('SELECT 1 FROM "Plan" WHERE "title" = $1', [title])).toEqual([])
  // The same request from the page's own origin goes through: the refusals above are the origin check.
  await callServerAction(page.request, BASE_URL, action, [{ title }])
  expect(await query('SELECT 1 FROM "Plan" WHERE "title" = $1', [title])).toHaveLength(1)
})
