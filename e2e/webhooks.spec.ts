import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { Webhook } from 'standardwebhooks'
import { startReceiver } from '@/lib/testing/webhook-receiver'
import { auditEvents, query, seedUser } from './fixtures/db'
import { signIn } from './fixtures/session'
import { E2E } from './fixtures/settings'

// An admin registers a webhook pointing at a receiver this spec starts, sends a test event, and reads on the
// page what the receiver answered – which checked the signature with the secret the page showed once.

const ANSWER = 'received by the e2e receiver'

test('an admin registers a webhook, sends a test event, and sees it delivered with the receiver’s answer', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000)
  const receiver = await startReceiver(() => ({ status: 200, body: ANSWER }), E2E.port + 7)
  try {
    const admin = await seedUser('ADMIN')
    await signIn(page, admin)
    await page.goto('/admin')
    await page.getByRole('link', { name: 'Webhooks' }).click()
    await page.getByRole('link', { name: 'Register a webhook' }).first().click()
    const name = `Deploy channel ${randomUUID().slice(0, 8)}`

    // Nothing chosen: the form says which field, and keeps what was typed.
    await page.getByLabel('Name').fill(name)
    await page.getByLabel('URL').fill(receiver.url)
    await page.getByRole('button', { name: 'Register webhook' }).click()
    await expect(page.getByText('Choose at least one event.')).toBeVisible()
    await expect(page.getByLabel('URL')).toHaveValue(receiver.url)

    await page.getByLabel('Run failed').check()
    // The keyboard reaches the events: space ticks the focused box.
    await page.getByLabel('Maintenance window requested').focus()
    await page.keyboard.press('Space')
    await page.getByRole('button', { name: 'Register webhook' }).click()
    const secret = (await page.getByTestId('signing-secret').textContent())?.trim() ?? ''
    expect(secret).toMatch(/^whsec_/)
    await page.screenshot({ path: testInfo.outputPath('webhook-secret.png'), fullPage: true })
    await page.getByRole('link', { name: 'Open the webhook' }).click()
    await expect(page.getByRole('heading', { name })).toBeVisible()
    await expect(page.getByText('No deliveries yet')).toBeVisible()
    // Shown once: the page of the webhook does not carry it.
    expect(await page.content()).not.toContain(secret)

    await page.getByRole('button', { name: 'Send a test event' }).click()
    await expect(page.getByText('Test event queued; it is sent within seconds.')).toBeVisible()
    const delivery = page.getByTestId('delivery').first()
    await expect(delivery.getByTestId('delivery-status')).toHaveText('Delivered', { timeout: 20_000 })
    await delivery.getByText('Payload and answers').click()
    await expect(delivery.getByTestId('attempt-status')).toHaveText('HTTP 200')
    await expect(delivery.getByTestId('attempt-body')).toHaveText(ANSWER)

    // The receiver got one POST whose signature verifies with the secret shown at registration.
    expect(receiver.received).toHaveLength(1)
    const got = receiver.received[0]
    const payload = new Webhook(secret).verify(got?.body ?? '', {
      'webhook-id': String(got?.headers['webhook-id']),
      'webhook-timestamp': String(got?.headers['webhook-timestamp']),
      'webhook-signature': String(got?.headers['webhook-signature']),
    })
    expect(payload).toMatchObject({ type: 'webhook.test' })
    const [row] = await query<{ id: string; events: string }>(
      `SELECT "id", "events"::text AS "events" FROM "Webhook" WHERE "name" = $1`,
      [name],
    )
    expect(row?.events).toBe('{WINDOW_REQUESTED,RUN_FAILED}')
    const [stored] = await query<{ status: string; attempts: number }>(
      `SELECT "status"::text AS "status", "attempts" FROM "WebhookDelivery" WHERE "webhookId" = $1`,
      [row?.id],
    )
    expect(stored).toEqual({ status: 'DELIVERED', attempts: 1 })

    await page.screenshot({ path: testInfo.outputPath('webhook-desktop.png'), fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: testInfo.outputPath('webhook-phone.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 800 })

    // The list shows its last delivery; deleting asks for the name and is audited.
    await page.getByRole('link', { name: 'All webhooks' }).click()
    await expect(page).toHaveURL(/\/admin\/webhooks$/, { timeout: 30_000 })
    await expect(page.getByTestId('webhook-row').filter({ hasText: name }).getByTestId('delivery-status')).toHaveText(
      'Delivered',
    )
    await page.getByRole('link', { name }).click()
    await page.getByRole('button', { name: 'Delete' }).click()
    const confirm = page.getByRole('button', { name: 'Delete webhook' })
    await expect(confirm).toBeDisabled()
    await page.getByLabel('Confirmation phrase').fill(name)
    await confirm.click()
    await expect(page).toHaveURL(/\/admin\/webhooks$/)
    expect(await query(`SELECT 1 FROM "Webhook" WHERE "id" = $1`, [row?.id])).toEqual([])
    expect((await auditEvents(row?.id ?? '')).map((e) => e.action)).toEqual([
      'webhook.create',
      'webhook.test',
      'webhook.delete',
    ])
  } finally {
    await receiver.close()
  }
})
