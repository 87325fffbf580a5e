import type { Prisma, Tx } from '@/lib/db'
import { EVENT_TYPES, type WebhookPayload } from '@/lib/domain/webhooks'
import type { WebhookEvent } from '@/lib/generated/prisma/enums'

// The outbox of outbound webhooks: a change that others should hear of writes one delivery per active webhook
// subscribed to its event, in the change's own transaction – a rolled-back change sends nothing, and a committed
// one is sent even if the process stops right after. The worker delivers them (lib/engine/webhooks.ts).

type Data = Record<string, unknown>

/**
 * Writes the deliveries of `event`; how many. `data` is what the payload says of it (ids, names, links – never
 * secrets, never rows of the databases); given as a function, it is read only when someone is subscribed.
 */
export async function emit(
  tx: Tx,
  event: WebhookEvent,
  data: Data | (() => Promise<Data>),
  now = new Date(),
): Promise<number> {
  const hooks = await tx.webhook.findMany({
    where: { isActive: true, events: { has: event } },
    select: { id: true },
  })
  if (!hooks.length) return 0
  const payload: WebhookPayload = {
    type: EVENT_TYPES[event],
    timestamp: now.toISOString(),
    data: typeof data === 'function' ? await data() : data,
  }
  const { count } = await tx.webhookDelivery.createMany({
    data: hooks.map((hook) => ({
      webhookId: hook.id,
      event,
      payload: payload as unknown as Prisma.InputJsonValue,
      nextAttemptAt: now,
    })),
  })
  return count
}
