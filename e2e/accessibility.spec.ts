import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import type { Role } from '@/lib/generated/prisma/enums'
import { query, seedUser, type SeededUser } from './fixtures/db'
import { seedItems, seedPhase, seedPlan, seedPlanEnvironment, seedRisk, seedWindowRequest } from './fixtures/seed'
import { signIn } from './fixtures/session'
import { PHONE } from './fixtures/settings'

// Every page, as every role that may open it, with real data in it (a long plan title, a long risk, a run
// with its log, a window awaiting approval, notices, a report snapshot): no WCAG 2.1 A/AA violation found by
// axe, and nothing wider than the screen on a phone (390 px) or at 200 % zoom (1280 px shown in 640).

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const ZOOMED = { width: 640, height: 400 }
const DESKTOP = { width: 1280, height: 800 }

const suffix = randomUUID().slice(0, 8)
const LONG_TITLE = `Consolidate the customer-ledger-and-invoicing-subsystem-databases-into-one-cluster ${suffix} – including the archived partitions from every region and the reporting replicas that nobody owns`
// Nearly as long as a risk title may be (300 characters).
const LONG_RISK = `Replication-lag-on-the-eu-west-reporting-replica-exceeds-the-cutover-budget because the nightly batch job rewrites every invoice row ${'and keeps going '.repeat(10)}`

type Seeded = {
  planId: string
  phaseId: string
  stepId: string
  runId: string
  snapshotId: string
  connectionId: string
  demoPlanId: string
  webhookId: string
  users: Record<Role, SeededUser>
}
let seeded: Seeded

test.beforeAll(async () => {
  test.setTimeout(120_000)
  const users = {
    ADMIN: await seedUser('ADMIN', 'a11y-admin'),
    LEAD: await seedUser('LEAD', 'a11y-lead'),
    DBA: await seedUser('DBA', 'a11y-dba'),
    STAKEHOLDER: await seedUser('STAKEHOLDER', 'a11y-stakeholder'),
  }
  const [environment] = await query<{ id: string }>(`SELECT "id" FROM "Environment" WHERE "name" = 'demo'`)
  const [connection] = await query<{ id: string }>(
    `SELECT "id" FROM "Connection" WHERE "name" = 'Demo orders database'`,
  )
  const [demoPlan] = await query<{ id: string }>(
    `SELECT "id" FROM "Plan" WHERE "title" = 'Demo: orders schema upgrade'`,
  )
  const lead = users.LEAD
  const planId = await seedPlan(lead, {
    title: LONG_TITLE,
    summary: `Moves the ledger. See https://example.com/${'very-long-path-segment-'.repeat(8)} for the background.`,
    status: 'ACTIVE',
  })
  const phaseId = await seedPhase(lead, planId, {
    name: 'Copy the ledgers',
    goal: 'Every ledger row on the new cluster',
  })
  await seedPhase(lead, planId, { name: 'Cutover' })
  await seedItems(lead, phaseId, [
    { text: 'Freeze postings', done: true },
    { text: `Confirm-with-the-finance-team-that-the-month-end-close-has-finished-${'x'.repeat(80)}` },
  ])
  await seedRisk(lead, planId, {
    title: LONG_RISK,
    impact: 'CRITICAL',
    likelihood: 'LIKELY',
    mitigation: `Pause-the-batch-job-and-watch-the-lag-${'metric-'.repeat(30)}`,
    owner: 'Database-reliability-engineering-on-call-rotation',
  })
  await seedRisk(lead, planId, { title: 'Invoices lost in transit', impact: 'HIGH', likelihood: 'POSSIBLE' })
  await seedRisk(lead, planId, { title: 'Unrated concern' })
  // Raw: marked lint-clean although the linter flags a plain CREATE INDEX, so the page shows only the failed run.
  const [step] = await query<{ id: string }>(
    `INSERT INTO "Step" ("id", "planId", "phaseId", "position", "kind", "name", "body", "isDraft", "lint", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, 0, 'SQL', 'Add the ledger index', 'CREATE INDEX ledger_by_account ON ledger (account_id);', false, '{"errors":0,"warnings":0,"statements":[]}', now()) RETURNING "id"`,
    [planId, phaseId],
  )
  await seedPlanEnvironment(lead, planId, environment?.id ?? '', { targetConnectionId: connection?.id })
  // Raw, like its step run and log below: a run that failed five minutes ago, without a worker running it now.
  const [run] = await query<{ id: string }>(
    `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "requestedById", "error", "startedAt", "finishedAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, $3, 'FAILED', $4, 'relation "ledger" does not exist', now() - interval '5 minutes', now() - interval '4 minutes', now()) RETURNING "id"`,
    [planId, phaseId, environment?.id, users.DBA.id],
  )
  const runId = run?.id ?? ''
  await query(
    `INSERT INTO "StepRun" ("id", "runId", "stepId", "position", "name", "kind", "body", "config", "checksum", "status", "statementsTotal", "error", "startedAt", "finishedAt")
     VALUES (gen_random_uuid(), $1, $2, 0, 'Add the ledger index', 'SQL', 'CREATE INDEX ledger_by_account ON ledger (account_id);', '{}', 'x', 'FAILED', 1, 'relation "ledger" does not exist', now() - interval '5 minutes', now() - interval '4 minutes')`,
    [runId, step?.id],
  )
  await query(
    `INSERT INTO "RunEvent" ("runId", "level", "message", "createdAt") VALUES ($1, 'info', 'Run started', now() - interval '5 minutes'), ($1, 'error', $2, now() - interval '4 minutes')`,
    [
      runId,
      `Step “Add the ledger index” failed: relation "ledger" does not exist ${'(while-running-statement-one-of-one) '.repeat(6)}`,
    ],
  )
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000)
  await seedWindowRequest(lead, {
    environmentId: environment?.id ?? '',
    planId,
    phaseId,
    startsAt: inHours(24),
    endsAt: inHours(26),
    latestStartAt: inHours(25),
    reason: `Cut-over-the-ledger-${'and-the-invoices-'.repeat(10)}`,
  })
  for (const user of Object.values(users)) {
    // Raw: a notice about a status change the plan never went through, for each role.
    await query(
      `INSERT INTO "Notification" ("id", "userId", "kind", "title", "body", "href") VALUES (gen_random_uuid(), $1, 'PLAN_STATUS_CHANGED', $2, 'It changed.', $3)`,
      [user.id, `${LONG_TITLE} is at risk`, `/plans/${planId}/report`],
    )
  }
  // The worker keeps today's report snapshot of every active plan.
  await expect
    .poll(async () => (await query(`SELECT 1 FROM "ReportSnapshot" WHERE "planId" = $1`, [planId])).length, {
      timeout: 60_000,
    })
    .toBe(1)
  const [snapshot] = await query<{ id: string }>(`SELECT "id" FROM "ReportSnapshot" WHERE "planId" = $1`, [planId])
  // Raw: a webhook with a long URL and a failed delivery with its answer (the page never reads the secret).
  const [webhook] = await query<{ id: string }>(
    `INSERT INTO "Webhook" ("id", "name", "url", "events", "format", "secret", "isActive", "createdById", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, ARRAY['RUN_FAILED', 'WINDOW_REQUESTED']::"WebhookEvent"[], 'SLACK', '\\x00', false, $3, now()) RETURNING "id"`,
    [
      `Deploy-channel-of-the-ledger-team-${suffix}`,
      `https://hooks.example.com/${'segment/'.repeat(12)}`,
      users.ADMIN.id,
    ],
  )
  const [delivery] = await query<{ id: string }>(
    `INSERT INTO "WebhookDelivery" ("id", "webhookId", "event", "payload", "status", "attempts")
     VALUES (gen_random_uuid(), $1, 'RUN_FAILED', $2, 'FAILED', 1) RETURNING "id"`,
    [
      webhook?.id,
      JSON.stringify({
        type: 'run.failed',
        timestamp: new Date().toISOString(),
        data: { plan: { id: planId, title: LONG_TITLE } },
      }),
    ],
  )
  await query(
    `INSERT INTO "WebhookAttempt" ("deliveryId", "startedAt", "durationMs", "statusCode", "responseBody") VALUES ($1, now(), 120, 500, $2)`,
    [delivery?.id, `Internal-server-error-${'while-handling-the-request-'.repeat(10)}`],
  )
  seeded = {
    planId,
    phaseId,
    stepId: step?.id ?? '',
    runId,
    snapshotId: snapshot?.id ?? '',
    connectionId: connection?.id ?? '',
    demoPlanId: demoPlan?.id ?? '',
    webhookId: webhook?.id ?? '',
    users,
  }
})

type PageVisit = { path: (s: Seeded) => string; roles: readonly Role[]; name: string }
const EVERYONE: readonly Role[] = ['ADMIN', 'LEAD', 'DBA', 'STAKEHOLDER']
const EDITORS: readonly Role[] = ['ADMIN', 'LEAD', 'DBA']

const PAGES: readonly PageVisit[] = [
  { name: 'plans', path: () => '/plans', roles: EVERYONE },
  { name: 'plan', path: (s) => `/plans/${s.planId}`, roles: EVERYONE },
  { name: 'plan, all phases open', path: (s) => `/plans/${s.planId}?open=all`, roles: ['LEAD'] },
  { name: 'demo plan', path: (s) => `/plans/${s.demoPlanId}`, roles: ['DBA'] },
  { name: 'plan edit', path: (s) => `/plans/${s.planId}/edit`, roles: EDITORS },
  { name: 'new plan', path: () => '/plans/new', roles: EDITORS },
  { name: 'import plan', path: () => '/plans/import', roles: EDITORS },
  { name: 'validation', path: (s) => `/plans/${s.planId}/validation`, roles: EVERYONE },
  { name: 'step revisions', path: (s) => `/plans/${s.planId}/steps/${s.stepId}`, roles: EVERYONE },
  { name: 'phase preview', path: (s) => `/plans/${s.planId}/phases/${s.phaseId}/preview`, roles: EVERYONE },
  { name: 'report', path: (s) => `/plans/${s.planId}/report`, roles: EVERYONE },
  { name: 'report snapshots', path: (s) => `/plans/${s.planId}/report/snapshots`, roles: EVERYONE },
  { name: 'report snapshot', path: (s) => `/plans/${s.planId}/report/snapshots/${s.snapshotId}`, roles: EVERYONE },
  { name: 'reports', path: () => '/reports', roles: EVERYONE },
  { name: 'runs', path: () => '/runs', roles: EVERYONE },
  { name: 'run', path: (s) => `/runs/${s.runId}`, roles: EVERYONE },
  { name: 'run monitor', path: (s) => `/runs/${s.runId}/monitor`, roles: EVERYONE },
  { name: 'windows', path: () => '/windows', roles: EVERYONE },
  { name: 'connections', path: () => '/connections', roles: EDITORS },
  { name: 'connection monitor', path: (s) => `/connections/${s.connectionId}/monitor`, roles: EDITORS },
  { name: 'connection drift', path: (s) => `/connections/${s.connectionId}/drift`, roles: EDITORS },
  { name: 'notifications', path: () => '/notifications', roles: EVERYONE },
  { name: 'account', path: () => '/account/security', roles: EVERYONE },
  { name: 'API tokens', path: () => '/account/tokens', roles: EVERYONE },
  { name: 'service accounts', path: () => '/admin/service-accounts', roles: ['ADMIN'] },
  { name: 'admin users', path: () => '/admin/users', roles: ['ADMIN'] },
  { name: 'audit log', path: () => '/admin/audit', roles: ['ADMIN'] },
  { name: 'webhooks', path: () => '/admin/webhooks', roles: ['ADMIN'] },
  { name: 'new webhook', path: () => '/admin/webhooks/new', roles: ['ADMIN'] },
  { name: 'webhook', path: (s) => `/admin/webhooks/${s.webhookId}`, roles: ['ADMIN'] },
  { name: 'sign-in settings', path: () => '/admin/sign-in', roles: ['ADMIN'] },
]

/** Axe's findings as lines a person can act on: rule, impact, what it means, and where. */
function describe(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.split('\n').join('\n      ')}`).join('\n')}`,
    )
    .join('\n')
}

async function settle(page: Page) {
  await expect(page.locator('h1').first()).toBeVisible()
  await expect(page.getByText('Loading…', { exact: true })).toHaveCount(0)
}

async function check(page: Page, name: string) {
  await page.setViewportSize(DESKTOP)
  await settle(page)
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze()
  expect.soft(describe(violations), `axe on ${name}`).toBe('')
  for (const [label, size] of [
    ['390 px', PHONE],
    ['200 % zoom', ZOOMED],
  ] as const) {
    await page.setViewportSize(size)
    // Charts follow the new width once their resize observer fires: wait for the layout, then judge it.
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)
    await expect
      .poll(fits, { timeout: 5_000 })
      .toBe(true)
      .catch(() => undefined)
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }))
    const wider = widths.scroll > widths.client ? ` because of ${(await overflowing(page)).join('; ')}` : ''
    expect
      .soft(widths.scroll, `${name} at ${label} is ${widths.scroll} px wide in ${widths.client} px${wider}`)
      .toBeLessThanOrEqual(widths.client)
  }
  await page.setViewportSize(DESKTOP)
}

/** The innermost elements that reach past the right edge of the page, to say what to fix. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const edge = document.documentElement.clientWidth + 1
    const past = (el: Element) => el.getBoundingClientRect().right > edge
    // Content that scrolls inside its own box (a wide table) does not widen the page.
    const scrolled = (el: Element) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
        if (getComputedStyle(up).overflowX !== 'visible') return true
      return false
    }
    return [...document.querySelectorAll('body *')]
      .filter((el) => past(el) && !scrolled(el) && ![...el.children].some(past))
      .slice(0, 5)
      .map(
        (el) =>
          `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> “${(el.textContent ?? '').trim().slice(0, 40)}” ends at ${Math.round(el.getBoundingClientRect().right)} px`,
      )
  })
}

for (const role of EVERYONE) {
  test(`every page a ${role.toLowerCase()} may open has no axe violations and fits a phone and 200 % zoom`, async ({
    page,
  }, testInfo) => {
    test.setTimeout(600_000)
    await signIn(page, seeded.users[role])
    for (const visit of PAGES.filter((p) => p.roles.includes(role))) {
      await page.goto(visit.path(seeded))
      await check(page, `${visit.name} (${role})`)
      if (role === 'LEAD' && ['plans', 'plan', 'run', 'report'].includes(visit.name)) {
        await page.setViewportSize(PHONE)
        await page.screenshot({ path: testInfo.outputPath(`${visit.name}-phone.png`), fullPage: true })
        await page.setViewportSize(DESKTOP)
      }
    }
  })
}

test('the sign-in page has no axe violations and fits a phone; a failed sign-in moves focus to the message', async ({
  page,
}) => {
  await page.goto('/login')
  await check(page, 'login')
  await page.getByLabel('Email').fill(`nobody-${suffix}@e2e.lockstep`)
  await page.getByLabel('Password').fill('not the password at all')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const message = page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })
  await expect(message).toBeFocused()
  await check(page, 'login after a failed sign-in')
})

test('Cancel in a confirmation dialog returns focus to the button that opened it; the notification panel shows its focus', async ({
  page,
}) => {
  await signIn(page, seeded.users.LEAD)
  await page.goto(`/plans/${seeded.planId}`)
  const archive = page.getByRole('button', { name: 'Archive', exact: true })
  await archive.click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(archive).toBeFocused()
  // Escape does the same.
  await archive.click()
  await page.keyboard.press('Escape')
  await expect(archive).toBeFocused()

  await page.getByRole('button', { name: /^Notifications/ }).focus()
  await page.keyboard.press('Enter')
  const panel = page.getByRole('dialog', { name: 'Notifications' })
  await expect(panel).toBeFocused()
  const outline = await panel.evaluate((el) => {
    const style = getComputedStyle(el)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), shadow: style.boxShadow }
  })
  expect(
    outline.style !== 'none' && outline.width >= 2,
    `the focused panel has no visible outline: ${JSON.stringify(outline)}`,
  ).toBe(true)
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).include('[role="dialog"]').analyze()
  expect(describe(violations), 'axe on the notification panel').toBe('')
})

test('a field near its limit counts its characters, and a paste past it is kept whole and refused with the reason', async ({
  page,
}) => {
  await signIn(page, seeded.users.LEAD)
  await page.goto('/plans/new')
  const title = page.getByLabel('Title')
  await title.fill('t'.repeat(150))
  await expect(page.getByTestId('character-count')).toHaveCount(0)
  await title.fill('t'.repeat(170))
  await expect(page.getByTestId('character-count')).toHaveText('170 of 200 characters')
  await expect(title).toHaveAttribute('aria-describedby', /title-count/)
  const pasted = `Pasted ${suffix} `.padEnd(250, 'p')
  await title.fill('')
  // Inserted as a paste is: a browser's maxlength would cut it to 200 characters without a word.
  await page.keyboard.insertText(pasted)
  await expect(title).toHaveValue(pasted)
  await expect(page.getByTestId('character-count')).toHaveText(
    '250 characters: 50 over the limit of 200. Shorten it to save.',
  )
  await expect(title).toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('button', { name: 'Create plan' }).click()
  await expect(page.getByText('Use at most 200 characters.')).toBeVisible()
  await expect(title).toHaveValue(pasted)
  expect(await query('SELECT 1 FROM "Plan" WHERE "title" LIKE $1', [`Pasted ${suffix}%`])).toEqual([])
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze()
  expect(describe(violations), 'axe on the refused form').toBe('')
})
