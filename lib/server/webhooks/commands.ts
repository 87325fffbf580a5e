import 'server-only'
import { randomUUID } from 'node:crypto'
import { db, type Tx } from '@/lib/db'
import { maskWebhookUrl } from '@/lib/domain/webhook-url'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { invalid, notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import type { Webhook } from '@/lib/generated/prisma/client'
import { newSigningSecret, sealSecret } from './secret'
import type { TUpdateWebhook, TWebhookFields } from './schemas'

// Admins register, change, pause and delete outbound webhooks. Each change is one transaction that re-reads the
// admin's role and writes its audit event; the URL is audited masked and the secret never.

const snapshot = (w: Pick<Webhook, 'name' | 'url' | 'events' | 'format' | 'isActive'>) => ({
  name: w.name,
  url: maskWebhookUrl(w.url),
  events: w.events,
  format: w.format,
  isActive: w.isActive,
})

/** The webhook, locked for the change; a foreign or malformed id is "not found". */
export async function lockWebhook(tx: Tx, webhookId: string): Promise<Webhook> {
  if (!ZId.safeParse(webhookId).success) throw notFound('Webhook')
  await tx.$queryRaw`SELECT "id" FROM "Webhook" WHERE "id" = ${webhookId}::uuid FOR UPDATE`
  const found = await tx.webhook.findUnique({ where: { id: webhookId } })
  if (!found) throw notFound('Webhook')
  return found
}

/** Admins: registers a webhook; its signing secret is returned this once and kept only encrypted. */
export async function createWebhook(actor: UserActor, input: TWebhookFields): Promise<{ id: string; secret: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const id = randomUUID()
    const secret = newSigningSecret()
    const created = await tx.webhook.create({
      data: { id, ...input, secret: sealSecret(id, secret), createdById: actor.id },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.create',
      entityType: 'Webhook',
      entityId: id,
      after: snapshot(created),
    })
    return { id, secret }
  })
}

/** Admins: changes the name, events, format and (when given) URL. */
export async function updateWebhook(actor: UserActor, input: TUpdateWebhook): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const before = await lockWebhook(tx, input.webhookId)
    const after = await tx.webhook.update({
      where: { id: before.id },
      data: { name: input.name, events: input.events, format: input.format, ...(input.url ? { url: input.url } : {}) },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.update',
      entityType: 'Webhook',
      entityId: before.id,
      before: snapshot(before),
      after: { ...snapshot(after), urlChanged: !!input.url && input.url !== before.url },
    })
    return { id: before.id }
  })
}

/** Admins: pauses (nothing is written for it, and what waits is held) or resumes a webhook. */
export async function setWebhookActive(actor: UserActor, webhookId: string, isActive: boolean) {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const before = await lockWebhook(tx, webhookId)
    await tx.webhook.update({ where: { id: before.id }, data: { isActive } })
    await recordAudit(tx, actor, {
      action: isActive ? 'webhook.resume' : 'webhook.pause',
      entityType: 'Webhook',
      entityId: before.id,
      before: { isActive: before.isActive },
      after: { isActive },
    })
    return { id: before.id, isActive }
  })
}

/** Admins: deletes a webhook with its deliveries, once its name is typed. */
export async function deleteWebhook(actor: UserActor, webhookId: string, confirm: string): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const before = await lockWebhook(tx, webhookId)
    if (confirm.trim() !== before.name)
      throw invalid('Please correct the highlighted fields.', { confirm: [`Type “${before.name}” to delete it.`] })
    const deliveries = await tx.webhookDelivery.count({ where: { webhookId: before.id } })
    await tx.webhook.delete({ where: { id: before.id } })
    await recordAudit(tx, actor, {
      action: 'webhook.delete',
      entityType: 'Webhook',
      entityId: before.id,
      before: { ...snapshot(before), deliveries },
    })
    return { id: before.id }
  })
}

/** Admins: a new signing secret, returned this once; the old one stops signing at once. */
export async function rotateWebhookSecret(
  actor: UserActor,
  webhookId: string,
): Promise<{ id: string; secret: string }> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'webhook:manage')
    const before = await lockWebhook(tx, webhookId)
    const secret = newSigningSecret()
    await tx.webhook.update({ where: { id: before.id }, data: { secret: sealSecret(before.id, secret) } })
    await recordAudit(tx, actor, { action: 'webhook.rotateSecret', entityType: 'Webhook', entityId: before.id })
    return { id: before.id, secret }
  })
}
