import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { query, seedUser } from './fixtures/db'
import { seedEnvironment, seedPlan } from './fixtures/seed'
import { signIn } from './fixtures/session'

/** A datetime-local value (UTC, as the form reads it) `hours` from now. */
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16)

const noticesOf = (userId: string) =>
  query<{ kind: string; title: string; href: string; readAt: Date | null }>(
    `SELECT "kind"::text AS "kind", "title", "href", "readAt" FROM "Notification" WHERE "userId" = $1 ORDER BY "createdAt"`,
    [userId],
  )

test('a lead requests a window; the DBA’s bell shows it, and opening the notice leads to the windows and marks it read', async ({
  page,
  browser,
}) => {
  // The DBA exists before the request: only the approvers of that moment are told.
  const dba = await seedUser('DBA')
  const lead = await seedUser('LEAD')
  const env = `staging-${randomUUID().slice(0, 6)}`
  const title = `Notified plan ${randomUUID().slice(0, 6)}`
  await seedEnvironment(env)
  await seedPlan(lead, { title })

  await signIn(page, lead)
  await page.goto('/windows')
  await page.getByLabel('Environment').selectOption({ label: env })
  await page.getByLabel('Plan').selectOption({ label: title })
  await page.getByLabel('Starts (UTC)').fill(inHours(24))
  await page.getByLabel('Ends (UTC)').fill(inHours(26))
  await page.getByLabel('Reason').fill('Backfill the orders table')
  await page.getByRole('button', { name: 'Request window' }).click()
  await expect(
    page.getByRole('region', { name: 'Awaiting approval' }).getByTestId('window').filter({ hasText: env }),
  ).toBeVisible()
  expect(await noticesOf(lead.id)).toEqual([]) // the requester is not told of their own request

  const dbaContext = await browser.newContext()
  const dbaPage = await dbaContext.newPage()
  await signIn(dbaPage, dba)
  const bell = dbaPage.getByRole('button', { name: 'Notifications, 1 unread' })
  await expect(bell).toBeVisible()
  await expect(bell.getByTestId('notification-badge')).toHaveText('1')

  // Keyboard: the bell opens the panel, Escape closes it and gives focus back to the bell.
  await bell.focus()
  await dbaPage.keyboard.press('Enter')
  const panel = dbaPage.getByRole('dialog', { name: 'Notifications' })
  await expect(panel).toBeVisible()
  await expect(panel).toBeFocused()
  await dbaPage.keyboard.press('Escape')
  await expect(panel).toBeHidden()
  await expect(bell).toBeFocused()

  await bell.click()
  const notice = panel.getByTestId('notification').filter({ hasText: `Window on ${env} awaits your approval` })
  await expect(notice).toHaveAttribute('data-read', 'false')
  await expect(notice).toContainText(`${title}: `)
  await expect(notice).toContainText('Backfill the orders table')
  await notice.getByRole('link').click()

  await expect(dbaPage).toHaveURL(/\/windows$/)
  await expect(dbaPage.getByRole('heading', { name: 'Maintenance windows' })).toBeVisible()
  await expect(dbaPage.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible()
  await expect(dbaPage.getByTestId('notification-badge')).toHaveCount(0)
  const [stored] = await noticesOf(dba.id)
  expect(stored).toMatchObject({
    kind: 'WINDOW_AWAITING_APPROVAL',
    title: `Window on ${env} awaits your approval`,
    href: '/windows',
  })
  expect(stored?.readAt).toBeInstanceOf(Date)

  // The page of all notices shows it read; the badge stays away after a reload.
  await dbaPage.getByRole('button', { name: 'Notifications', exact: true }).click()
  await dbaPage.getByRole('link', { name: 'All notifications' }).click()
  await expect(dbaPage.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
  await expect(dbaPage.getByTestId('notification').filter({ hasText: env })).toHaveAttribute('data-read', 'true')
  await expect(dbaPage.getByTestId('unread-summary')).toHaveText('All read.')
  await dbaContext.close()
})

test('a stakeholder marks all notices read from the bell; a person without notices sees “Nothing new.”', async ({
  page,
}) => {
  const stakeholder = await seedUser('STAKEHOLDER')
  const other = await seedUser('STAKEHOLDER')
  const plan = `Status plan ${randomUUID().slice(0, 6)}`
  for (const [status, minutesAgo] of [
    ['at risk', 10],
    ['blocked', 5],
  ] as const) {
    // Raw: notices from minutes ago; the app writes a notice only when its event happens, dated now.
    await query(
      `INSERT INTO "Notification" ("id", "userId", "kind", "title", "body", "href", "createdAt") VALUES (gen_random_uuid(), $1, 'PLAN_STATUS_CHANGED', $2, '', '/reports', now() - make_interval(mins => $3))`,
      [stakeholder.id, `${plan} is ${status}`, minutesAgo],
    )
  }
  // Raw: a notice of someone else's, without the plan status change that would notify every stakeholder.
  await query(
    `INSERT INTO "Notification" ("id", "userId", "kind", "title", "body", "href") VALUES (gen_random_uuid(), $1, 'PLAN_STATUS_CHANGED', $2, '', '/reports')`,
    [other.id, `${plan} is done`],
  )

  await signIn(page, stakeholder)
  await page.getByRole('button', { name: 'Notifications, 2 unread' }).click()
  const panel = page.getByRole('dialog', { name: 'Notifications' })
  await expect(panel.getByTestId('notification')).toHaveText([
    new RegExp(`${plan} is blocked`),
    new RegExp(`${plan} is at risk`),
  ])
  await expect(panel.getByText(`${plan} is done`)).toHaveCount(0) // another person's notice
  await panel.getByRole('button', { name: 'Mark all read' }).click()
  await expect(page.getByTestId('notification-badge')).toHaveCount(0)
  await expect(panel.getByRole('button', { name: 'Mark all read' })).toBeDisabled()
  expect((await noticesOf(stakeholder.id)).map((n) => n.readAt === null)).toEqual([false, false])
  expect((await noticesOf(other.id)).map((n) => n.readAt === null)).toEqual([true])

  await page.context().clearCookies()
  const newcomer = await seedUser('LEAD')
  await signIn(page, newcomer)
  await page.getByRole('button', { name: 'Notifications', exact: true }).click()
  await expect(page.getByRole('dialog', { name: 'Notifications' })).toContainText('Nothing new.')
  await page.goto('/notifications')
  await expect(page.getByRole('heading', { name: 'Nothing new.' })).toBeVisible()
})
