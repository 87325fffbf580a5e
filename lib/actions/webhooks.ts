'use server'

import { revalidatePath } from 'next/cache'
import {
  createWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  setWebhookActive,
  updateWebhook,
} from '@/lib/server/webhooks/commands'
import { redeliver, sendTestEvent } from '@/lib/server/webhooks/delivery-commands'
import {
  ZCreateWebhook,
  ZDeleteWebhook,
  ZDeliveryId,
  ZSetWebhookActive,
  ZUpdateWebhook,
  ZWebhookId,
} from '@/lib/server/webhooks/schemas'
import { defineAction } from './define-action'

const done = <T>(result: T) => {
  revalidatePath('/admin/webhooks', 'layout')
  return result
}

// The secret comes back in the result of these two only, for the page to show once.
export const createWebhookAction = defineAction(
  'webhook:manage',
  ZCreateWebhook,
  async (input, actor) => done(await createWebhook(actor, input)),
  { success: () => 'Webhook registered. Copy its signing secret now: it is not shown again.' },
)
export const rotateWebhookSecretAction = defineAction(
  'webhook:manage',
  ZWebhookId,
  async ({ webhookId }, actor) => done(await rotateWebhookSecret(actor, webhookId)),
  { success: () => 'New signing secret made; the old one no longer signs. Copy it now: it is not shown again.' },
)
export const updateWebhookAction = defineAction(
  'webhook:manage',
  ZUpdateWebhook,
  async (input, actor) => done(await updateWebhook(actor, input)),
  { success: () => 'Webhook saved.' },
)
export const setWebhookActiveAction = defineAction('webhook:manage', ZSetWebhookActive, async (input, actor) =>
  done(await setWebhookActive(actor, input.webhookId, input.isActive)),
)
export const deleteWebhookAction = defineAction('webhook:manage', ZDeleteWebhook, async (input, actor) =>
  done(await deleteWebhook(actor, input.webhookId, input.confirm)),
)
export const sendTestWebhookAction = defineAction(
  'webhook:manage',
  ZWebhookId,
  async ({ webhookId }, actor) => done(await sendTestEvent(actor, webhookId)),
  { success: () => 'Test event queued; it is sent within seconds.' },
)
export const redeliverWebhookAction = defineAction('webhook:manage', ZDeliveryId, async ({ deliveryId }, actor) =>
  done(await redeliver(actor, deliveryId)),
)
