import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { TOO_LARGE_REQUEST } from '@/lib/auth/request-size'
import { findHiddenCharacter, hiddenCharacterMessage } from '@/lib/domain/hidden-characters'
import { TOO_LARGE } from '@/lib/plan-document/limits'
import { TOO_COMPLEX } from '@/lib/plan-document/parse-safely'
import { query, seedUser, type SeededUser } from './fixtures/db'
import { seedEnvironment, seedPhase, seedPlan } from './fixtures/seed'
import { callServerAction, serverActionId } from './fixtures/server-actions'
import { signIn } from './fixtures/session'
import { BASE_URL, E2E } from './fixtures/settings'
import { BROKEN_SQL, HUGE_UPLOAD, MARKDOWN_BOMBS, NOT_DOCUMENTS, NOT_SQLITE, TRICK_NAMES } from './hostile/corpus'
import { openStepForm } from './fixtures/plan-page'

// The hostile-input corpus (e2e/hostile/): each input gets a clear refusal and changes nothing – no row, no
// audit event. Forged posts without an Origin have their own spec too (security-headers.spec.ts).

/** Audit events of `users` other than signing in: what any change would have written. */
const auditCount = async (...users: SeededUser[]) =>
  (
    await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "AuditEvent" WHERE "actorId" = ANY($1::uuid[]) AND "action" NOT LIKE 'auth.%'`,
      [users.map((u) => u.id)],
    )
  )[0]?.n ?? 0
const count = async (table: string) => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))[0]?.n

async function planWithPhase(owner: SeededUser) {
  const planId = await seedPlan(owner, { title: `Hostile ${randomUUID().slice(0, 8)}` })
  return { planId, phaseId: await seedPhase(owner, planId, { name: 'Upgrade' }) }
}

test('SQL that PostgreSQL cannot parse – unterminated $$ bodies and strings – is refused with its line, and no step is saved', async ({
  page,
}) => {
  const lead = await seedUser('LEAD')
  const { planId, phaseId } = await planWithPhase(lead)
  await signIn(page, lead)
  const audited = await auditCount(lead)
  await page.goto(`/plans/${planId}`)
  const phase = page.getByRole('region', { name: /Upgrade/ })
  await openStepForm(phase, '+ Add SQL step…')
  for (const { name, sql } of BROKEN_SQL) {
    await phase.getByLabel('Step name').fill(name)
    await phase.getByLabel('SQL script').fill(sql)
    await phase.getByRole('button', { name: 'Add step' }).click()
    await expect(
      phase.getByText(/^Syntax error on line 2: unterminated (quoted|dollar-quoted) string at or near/),
      name,
    ).toBeVisible()
    // What was typed stays, to be corrected.
    await expect(phase.getByLabel('SQL script')).toHaveValue(sql)
  }
  expect(await query('SELECT 1 FROM "Step" WHERE "phaseId" = $1', [phaseId])).toEqual([])
  expect(await auditCount(lead)).toBe(audited)
})

test('files that are not plan documents, and Markdown bombs, are refused with a message; nothing is imported', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  const [plans, audited] = [await count('Plan'), await auditCount(lead)]
  await page.goto('/plans/import')
  const cases = [
    ...NOT_DOCUMENTS.map((d) => ({ name: d.name, buffer: d.bytes(), message: d.message })),
    ...MARKDOWN_BOMBS.map((b) => ({ name: `${b.name}.md`, buffer: Buffer.from(b.text()), message: TOO_COMPLEX })),
  ]
  for (const { name, buffer, message } of cases) {
    await page.getByLabel('Markdown file').setInputFiles({ name, mimeType: 'text/markdown', buffer })
    await page.getByRole('button', { name: 'Preview' }).click()
    await expect(page.getByRole('alert').filter({ hasText: message }), name).toBeVisible({ timeout: 30_000 })
  }
  expect(await count('Plan')).toBe(plans)
  expect(await auditCount(lead)).toBe(audited)
})

test('a 50 MB upload is refused before it is read, in the page and by the server', async ({ page }, testInfo) => {
  const lead = await seedUser('LEAD')
  await signIn(page, lead)
  const [plans, audited] = [await count('Plan'), await auditCount(lead)]
  await page.goto('/plans/import')
  const huge = HUGE_UPLOAD.bytes()
  const path = testInfo.outputPath(HUGE_UPLOAD.name)
  await writeFile(path, huge)
  await page.getByLabel('Markdown file').setInputFiles(path)
  await page.getByRole('button', { name: 'Preview' }).click()
  await expect(page.getByRole('alert').filter({ hasText: TOO_LARGE })).toBeVisible()
  // Sent anyway, by hand: to the import action, and to the one route handler that takes a body.
  const send = (request: APIRequestContext, url: string, headers: Record<string, string>) =>
    request.post(url, { headers: { Origin: BASE_URL, ...headers }, data: huge })
  const toAction = await send(page.request, `${BASE_URL}/plans/import`, {
    'Next-Action': serverActionId('lib/actions/plan-documents.ts', 'importPlanDocumentAction'),
    'Content-Type': 'text/plain;charset=UTF-8',
  })
  const toLint = await send(page.request, `${BASE_URL}/api/sql/lint`, { 'Content-Type': 'application/json' })
  for (const response of [toAction, toLint]) {
    expect(response.status()).toBe(413)
    expect(await response.text()).toBe(TOO_LARGE_REQUEST)
  }
  expect(await count('Plan')).toBe(plans)
  expect(await auditCount(lead)).toBe(audited)
})

test('files that are not SQLite databases are refused as SQLite connections with the reason', async ({ page }) => {
  const dba = await seedUser('DBA')
  const environmentId = await seedEnvironment(`hostile-${randomUUID().slice(0, 8)}`)
  await signIn(page, dba)
  const [connections, audited] = [await count('Connection'), await auditCount(dba)]
  const create = serverActionId('lib/actions/connections.ts', 'createConnectionAction')
  for (const { name, bytes } of NOT_SQLITE) {
    const file = `${randomUUID().slice(0, 8)}-${name}`
    await writeFile(join(E2E.dataDir, 'sqlite', file), bytes())
    try {
      const reply = await callServerAction(page.request, BASE_URL, create, [
        { environmentId, engine: 'SQLITE', name: 'source', role: 'SOURCE', filePath: file },
      ])
      expect(reply, name).toContain(`“${file}” is not a SQLite database.`)
    } finally {
      await rm(join(E2E.dataDir, 'sqlite', file))
    }
  }
  expect(await count('Connection')).toBe(connections)
  expect(await auditCount(dba)).toBe(audited)
})

test('names with text-direction overrides or control characters are refused in every form, naming the character', async ({
  page,
}) => {
  const lead = await seedUser('LEAD')
  const dba = await seedUser('DBA')
  const { planId } = await planWithPhase(lead)
  const environmentId = await seedEnvironment(`names-${randomUUID().slice(0, 8)}`)
  await signIn(page, lead)
  const [plans, phases, connections] = [await count('Plan'), await count('Phase'), await count('Connection')]
  const audited = await auditCount(lead, dba)

  // In the page: the new-plan form.
  await page.goto('/plans/new')
  const [first] = TRICK_NAMES
  await page.getByLabel('Title').fill(first?.value ?? '')
  await page.getByRole('button', { name: 'Create plan' }).click()
  await expect(
    page.getByRole('alert').filter({ hasText: 'Remove the invisible character U+202E at position 8' }).first(),
  ).toBeVisible()

  // Every name, posted directly to three forms' actions.
  const calls = [
    {
      action: serverActionId('lib/actions/plans.ts', 'createPlanAction'),
      input: (value: string) => ({ title: value }),
    },
    {
      action: serverActionId('lib/actions/plans.ts', 'addPhaseAction'),
      input: (value: string) => ({ planId, name: value }),
    },
  ]
  for (const { label, value } of TRICK_NAMES) {
    const found = findHiddenCharacter(value)
    expect(found, label).not.toBeNull()
    const expected = found ? hiddenCharacterMessage(found) : ''
    for (const { action, input } of calls)
      expect(await callServerAction(page.request, BASE_URL, action, [input(value)]), label).toContain(expected)
  }
  await page.context().clearCookies()
  await signIn(page, dba)
  for (const { label, value } of TRICK_NAMES) {
    const reply = await callServerAction(
      page.request,
      BASE_URL,
      serverActionId('lib/actions/connections.ts', 'createConnectionAction'),
      [
        {
          environmentId,
          engine: 'POSTGRES',
          name: value,
          role: 'TARGET',
          url: 'postgresql://u@localhost/db',
        },
      ],
    )
    expect(reply, label).toContain(hiddenCharacterMessage(findHiddenCharacter(value) ?? { codePoint: '', position: 0 }))
  }
  expect([await count('Plan'), await count('Phase'), await count('Connection'), await auditCount(lead, dba)]).toEqual([
    plans,
    phases,
    connections,
    audited,
  ])
})

test('forged posts without an Origin are refused before any action runs', async ({ page }) => {
  const lead = await seedUser('LEAD')
  const { planId } = await planWithPhase(lead)
  await signIn(page, lead)
  const [plans, phases, audited] = [await count('Plan'), await count('Phase'), await auditCount(lead)]
  for (const [action, input] of [
    [serverActionId('lib/actions/plans.ts', 'createPlanAction'), { title: 'Forged plan' }],
    [serverActionId('lib/actions/plans.ts', 'addPhaseAction'), { planId, name: 'Forged phase' }],
  ] as const) {
    const response = await page.request.post(`${BASE_URL}/plans`, {
      headers: { 'Next-Action': action, 'Content-Type': 'text/plain;charset=UTF-8' },
      data: JSON.stringify([input]),
    })
    expect(response.status()).toBe(403)
  }
  expect([await count('Plan'), await count('Phase'), await auditCount(lead)]).toEqual([plans, phases, audited])
})
