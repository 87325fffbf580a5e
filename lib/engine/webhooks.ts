import { Webhook } from 'standardwebhooks'
import { bodyOf } from '@/lib/server/webhooks/format'
import { claimDelivery, recordAttempt, type AttemptOutcome, type ClaimedDelivery } from '@/lib/server/webhooks/outbox'
import type { DeliveryStatus } from '@/lib/generated/prisma/enums'

// Sends the webhook outbox (lib/server/webhooks): a POST signed as the Standard Webhooks specification says,
// 2xx counts as delivered, anything else – another status, a redirect (never followed: a receiver that moved
// must be re-registered), a refused connection, a timeout – is an attempt kept with what happened, retried
// with backoff (lib/domain/webhooks.ts RETRY_DELAYS_MS).

export const SEND_TIMEOUT_MS = 10_000
const BODY_LIMIT = 2_000
const USER_AGENT = 'Lockstep-Webhooks'

/** The response's first 2,000 characters, without reading a large one to its end. */
async function firstCharacters(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < BODY_LIMIT) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return text.slice(0, BODY_LIMIT)
}

const reasonOf = (error: unknown, timeoutMs: number): string => {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return `No answer within ${timeoutMs / 1000} s (timed out).`
  const cause = e?.cause?.code ? `${e.cause.code}: ${e.cause.message ?? ''}`.trim() : (e?.cause?.message ?? '')
  return (cause || e?.message || String(error)).slice(0, BODY_LIMIT)
}

/** One attempt at one delivery; never throws: what went wrong is the attempt's error. */
export async function attemptDelivery(
  delivery: ClaimedDelivery,
  now: Date,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<AttemptOutcome> {
  const started = Date.now()
  const done = (rest: Omit<AttemptOutcome, 'startedAt' | 'durationMs'>): AttemptOutcome => ({
    startedAt: now,
    durationMs: Date.now() - started,
    ...rest,
  })
  try {
    const body = bodyOf(delivery.format, delivery.payload)
    // The signature's timestamp is the moment of sending (receivers refuse old ones), not the event's.
    const sentAt = new Date()
    const signature = new Webhook(delivery.secret()).sign(delivery.id, sentAt, body)
    const response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    })
    const text = await firstCharacters(response).catch(
      (error: unknown) => `(the answer could not be read: ${reasonOf(error, timeoutMs)})`,
    )
    const moved = response.status >= 300 && response.status < 400
    return done({
      statusCode: response.status,
      responseBody: text,
      error: moved
        ? `Redirected to ${response.headers.get('location') ?? 'elsewhere'}; redirects are not followed.`
        : null,
    })
  } catch (error) {
    return done({ statusCode: null, responseBody: null, error: reasonOf(error, timeoutMs) })
  }
}

/**
 * Sends every delivery due at `now`, one after another, up to `limit`; how each ended. The worker calls it every
 * second; tests call it with an explicit `now` to stand at a retry's time without waiting for it.
 */
export async function deliverDue(
  options: { now?: () => Date; limit?: number; timeoutMs?: number; stopping?: () => boolean } = {},
): Promise<{ id: string; status: DeliveryStatus }[]> {
  const now = options.now ?? (() => new Date())
  const sent: { id: string; status: DeliveryStatus }[] = []
  for (let i = 0; i < (options.limit ?? 50) && !options.stopping?.(); i++) {
    const delivery = await claimDelivery(now())
    if (!delivery) break
    const outcome = await attemptDelivery(delivery, now(), options.timeoutMs)
    sent.push({ id: delivery.id, status: await recordAttempt(delivery, outcome, now()) })
  }
  return sent
}
