import 'server-only'
import { db } from '@/lib/db'
import { maskWebhookUrl } from '@/lib/domain/webhook-url'
import type { WebhookPayload } from '@/lib/domain/webhooks'
import type { DeliveryStatus, WebhookEvent, WebhookFormat } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// Reads for the admin's webhook pages. The secret never leaves the server; the URL is shown masked.

export type WebhookDTO = {
  id: string
  name: string
  url: string
  events: WebhookEvent[]
  format: WebhookFormat
  isActive: boolean
  createdAt: string
  lastDelivery: { status: DeliveryStatus; type: string; at: string } | null
}

export type AttemptDTO = {
  id: string
  startedAt: string
  durationMs: number
  statusCode: number | null
  responseBody: string | null
  error: string | null
}

export type DeliveryDTO = {
  id: string
  type: string
  status: DeliveryStatus
  attempts: number
  createdAt: string
  nextAttemptAt: string | null
  deliveredAt: string | null
  payload: WebhookPayload
  tries: AttemptDTO[]
}

const SELECT = {
  id: true,
  name: true,
  url: true,
  events: true,
  format: true,
  isActive: true,
  createdAt: true,
  deliveries: {
    orderBy: { createdAt: 'desc' },
    take: 1,
    select: { status: true, payload: true, createdAt: true, deliveredAt: true },
  },
} as const

type Row = {
  id: string
  name: string
  url: string
  events: WebhookEvent[]
  format: WebhookFormat
  isActive: boolean
  createdAt: Date
  deliveries: { status: DeliveryStatus; payload: unknown; createdAt: Date; deliveredAt: Date | null }[]
}

const typeOf = (payload: unknown) => (payload as WebhookPayload | null)?.type ?? 'unknown'

function toWebhookDTO(row: Row): WebhookDTO {
  const last = row.deliveries[0]
  return {
    id: row.id,
    name: row.name,
    url: maskWebhookUrl(row.url),
    events: row.events,
    format: row.format,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    lastDelivery: last
      ? { status: last.status, type: typeOf(last.payload), at: (last.deliveredAt ?? last.createdAt).toISOString() }
      : null,
  }
}

/** Admins: every webhook, newest first, with its latest delivery's state. */
export async function listWebhooks(actor: UserActor): Promise<WebhookDTO[]> {
  assertCan(actor, 'webhook:manage')
  const rows = await db.webhook.findMany({ orderBy: { createdAt: 'desc' }, select: SELECT })
  return rows.map(toWebhookDTO)
}

/** Admins: one webhook and its latest deliveries, each with its attempts; a foreign id is "not found". */
export async function getWebhook(
  actor: UserActor,
  webhookId: string,
): Promise<{ webhook: WebhookDTO; deliveries: DeliveryDTO[] }> {
  assertCan(actor, 'webhook:manage')
  if (!ZId.safeParse(webhookId).success) throw notFound('Webhook')
  const row = await db.webhook.findUnique({ where: { id: webhookId }, select: SELECT })
  if (!row) throw notFound('Webhook')
  const deliveries = await db.webhookDelivery.findMany({
    where: { webhookId },
    orderBy: { createdAt: 'desc' },
    take: 50,
    include: { tries: { orderBy: { id: 'asc' } } },
  })
  return {
    webhook: toWebhookDTO(row),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      type: typeOf(d.payload),
      status: d.status,
      attempts: d.attempts,
      createdAt: d.createdAt.toISOString(),
      nextAttemptAt: d.status === 'PENDING' ? d.nextAttemptAt.toISOString() : null,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      payload: d.payload as unknown as WebhookPayload,
      tries: d.tries.map((t) => ({
        id: String(t.id),
        startedAt: t.startedAt.toISOString(),
        durationMs: t.durationMs,
        statusCode: t.statusCode,
        responseBody: t.responseBody,
        error: t.error,
      })),
    })),
  }
}
