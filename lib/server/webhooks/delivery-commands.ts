import 'server-only'
import { db, type Prisma } from '@/lib/db'
import { TEST_EVENT_TYPE, WEBHOOK_EVENTS, type WebhookPayload } from '@/lib/domain/webhooks'
import { publicUrl } from '@/lib/env'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { lockWebhook } from './commands'

// An admin's hand on deliveries: a test event to see a receiver answer, and another go at a failed delivery.

/** Admins: queues a test event for this webhook alone (the worker sends it within seconds). */
export async function sendTestEvent(actor: UserActor, webhookId: string, now = new Date()): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const hook = await lockWebhook(tx, webhookId)
    if (!hook.isActive) throw conflict('This webhook is paused; resume it to send a test event.')
    const payload: WebhookPayload = {
      type: TEST_EVENT_TYPE,
      timestamp: now.toISOString(),
      data: {
        webhook: { id: hook.id, name: hook.name, url: publicUrl(`/admin/webhooks/${hook.id}`) },
        sentBy: actor.name,
      },
    }
    const delivery = await tx.webhookDelivery.create({
      data: {
        webhookId: hook.id,
        // The column names a subscribed event; a test belongs to none, so it carries the first the webhook
        // listens to – the payload's type ("webhook.test") is what receivers and the page go by.
        event: hook.events[0] ?? WEBHOOK_EVENTS[0],
        payload: payload as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
      },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.test',
      entityType: 'Webhook',
      entityId: hook.id,
      after: { deliveryId: delivery.id },
    })
    return { id: delivery.id }
  })
}

/** Admins: sends a failed delivery again from its first attempt (same id, so a receiver can still drop a duplicate). */
export async function redeliver(actor: UserActor, deliveryId: string, now = new Date()): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    if (!ZId.safeParse(deliveryId).success) throw notFound('Delivery')
    await tx.$queryRaw`SELECT "id" FROM "WebhookDelivery" WHERE "id" = ${deliveryId}::uuid FOR UPDATE`
    const delivery = await tx.webhookDelivery.findUnique({
      where: { id: deliveryId },
      select: { id: true, status: true, webhookId: true, webhook: { select: { isActive: true } } },
    })
    if (!delivery) throw notFound('Delivery')
    if (delivery.status !== 'FAILED')
      throw conflict(`This delivery is ${delivery.status.toLowerCase()}; only a failed one can be sent again.`)
    if (!delivery.webhook.isActive) throw conflict('This webhook is paused; resume it to send deliveries again.')
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: now },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.redeliver',
      entityType: 'WebhookDelivery',
      entityId: delivery.id,
      before: { status: 'FAILED' },
      after: { status: 'PENDING', webhookId: delivery.webhookId },
    })
    return { id: delivery.id }
  })
}
