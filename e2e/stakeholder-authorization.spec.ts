import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { seedPlan } from './fixtures/seed'
import { callServerAction } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL } from './fixtures/settings'

// A stakeholder reads; they change nothing. Every page that edits answers "not found", and every server
// action in the build – found the way an attacker reading the bundle would – refuses them, whatever it is sent.

// The actions a stakeholder may call: signing in and out, their own notices (read state, email choices), their own
// two-factor sign-in, and their own API tokens (which read no more than they do: lib/auth/scopes.ts).
const ALLOWED = new Set([
  'lib/actions/auth.ts',
  'lib/actions/notifications.ts',
  'lib/actions/account.ts',
  'lib/actions/tokens.ts#createTokenAction',
  'lib/actions/tokens.ts#revokeTokenAction',
])

type Manifest = { node: Record<string, { filename?: string; exportedName?: string }> }

test('a stakeholder reaches no edit page and no action that changes anything', async ({ page }) => {
  const lead = await seedUser('LEAD')
  const stakeholder = await seedUser('STAKEHOLDER')
  const title = `Read-only ${randomUUID().slice(0, 8)}`
  const planId = await seedPlan(lead, { title, status: 'ACTIVE' })
  const [connection] = await query<{ id: string }>(`SELECT "id" FROM "Connection" LIMIT 1`)
  await signIn(page, stakeholder)

  for (const path of [
    '/plans/new',
    '/plans/import',
    `/plans/${planId}/edit`,
    '/connections',
    `/connections/${connection?.id}/monitor`,
    '/admin/users',
    '/admin/audit',
  ]) {
    await page.goto(path)
    await expect(page.getByText(/not found/i).first(), path).toBeVisible()
  }
  await page.goto(`/plans/${planId}`)
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByRole('button', { name: /add|edit|remove|delete|start|request|take snapshot/i })).toHaveCount(0)

  const manifest = JSON.parse(
    readFileSync(join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as Manifest
  const actions = Object.entries(manifest.node).filter(
    ([, a]) =>
      a.filename?.startsWith('lib/actions/') &&
      !ALLOWED.has(a.filename) &&
      !ALLOWED.has(`${a.filename}#${a.exportedName}`),
  )
  expect(actions.length).toBeGreaterThan(40)
  const audited = async () =>
    (
      await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "actorId" = $1`, [stakeholder.id])
    )[0]?.n
  const before = await audited()
  for (const [id, action] of actions) {
    const reply = await callServerAction(page.request, BASE_URL, id, [{ planId, title: 'Hijacked', status: 'ACTIVE' }])
    expect(reply, `${action.filename} ${action.exportedName}`).toContain('You do not have permission to do that.')
  }
  expect(await audited()).toBe(before)
  expect((await query<{ title: string }>(`SELECT "title" FROM "Plan" WHERE "id" = $1`, [planId]))[0]?.title).toBe(title)
})
