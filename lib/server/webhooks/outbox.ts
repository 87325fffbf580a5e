import 'server-only'
import { db } from '@/lib/db'
import { nextAttemptAfter, type WebhookPayload } from '@/lib/domain/webhooks'
import type { DeliveryStatus } from '@/lib/generated/prisma/enums'
import { openSecret } from './secret'

// The worker's side of the outbox. A delivery is claimed by pushing its next attempt past the time a send may
// take (a lease), under SKIP LOCKED: any number of workers share the queue without holding a transaction open
// while a receiver answers, and a worker that dies mid-send leaves the delivery to be taken again.

export const LEASE_MS = 60_000

/** The oldest due delivery of an active webhook, leased to the caller; null when none is due at `now`. */
export async function claimDelivery(now: Date) {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookDelivery" SET "nextAttemptAt" = ${new Date(now.getTime() + LEASE_MS)}
     WHERE "id" = (
       SELECT d."id" FROM "WebhookDelivery" d JOIN "Webhook" w ON w."id" = d."webhookId"
        WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= ${now} AND w."isActive"
        ORDER BY d."nextAttemptAt" FOR UPDATE OF d SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  const id = rows[0]?.id
  if (!id) return null
  const d = await db.webhookDelivery.findUniqueOrThrow({
    where: { id },
    select: {
      id: true,
      attempts: true,
      payload: true,
      webhook: { select: { id: true, url: true, format: true, secret: true } },
    },
  })
  return {
    id: d.id,
    attempts: d.attempts,
    payload: d.payload as unknown as WebhookPayload,
    url: d.webhook.url,
    format: d.webhook.format,
    /** Decrypted here, in the worker, for signing; a wrong key throws (the attempt records it). */
    secret: () => openSecret(d.webhook.id, d.webhook.secret),
  }
}
export type ClaimedDelivery = NonNullable<Awaited<ReturnType<typeof claimDelivery>>>

export type AttemptOutcome = {
  startedAt: Date
  durationMs: number
  statusCode: number | null
  responseBody: string | null
  error: string | null
}

/** Keeps the attempt and moves the delivery: DELIVERED on a 2xx, else PENDING for the next try or FAILED after the last. */
export async function recordAttempt(
  delivery: Pick<ClaimedDelivery, 'id' | 'attempts'>,
  outcome: AttemptOutcome,
  now: Date,
): Promise<DeliveryStatus> {
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300
  const attempts = delivery.attempts + 1
  const next = ok ? null : nextAttemptAfter(attempts, now)
  const status: DeliveryStatus = ok ? 'DELIVERED' : next ? 'PENDING' : 'FAILED'
  await db.$transaction([
    db.webhookAttempt.create({ data: { deliveryId: delivery.id, ...outcome } }),
    db.webhookDelivery.update({
      where: { id: delivery.id },
      data: { attempts, status, ...(ok ? { deliveredAt: now } : {}), ...(next ? { nextAttemptAt: next } : {}) },
    }),
  ])
  return status
}
