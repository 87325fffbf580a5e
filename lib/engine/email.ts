import { db } from '@/lib/db'
import { shortId } from '@/lib/domain/short-id'
import { emailEnv } from '@/lib/env'
import { createMailer, type Mailer, type OutgoingEmail } from './email-transport'

// The worker's side of the email outbox (EmailDelivery, written with each notice by
// lib/server/notifications/outbox.ts): claim what is due, send it, record the outcome, retry with backoff.

/** How long after a failed attempt the next one is made: 1 min, 5 min, 30 min, 2 h; then the email has failed. */
export const EMAIL_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000] as const
export const MAX_EMAIL_ATTEMPTS = EMAIL_RETRY_DELAYS_MS.length + 1
// A claimed email is someone's for this long: far longer than a send may take (email-transport.ts's timeouts),
// so a live worker never loses one to another, and one a dead worker held is sent once the lease ends.
const LEASE_MS = 10 * 60_000
export const EMAIL_EVERY_MS = 2_000

type Claimed = OutgoingEmail & { attempts: number }
export type EmailOutcome = { id: string; status: 'DELIVERED' | 'PENDING' | 'FAILED'; error?: string; retryAt?: Date }

/**
 * Takes up to `limit` due emails, oldest due first, safe with any number of workers (SKIP LOCKED): the lease
 * moves their next attempt past now and the attempt is counted before anything is sent.
 */
async function claimDueEmails(now: Date, limit: number): Promise<Claimed[]> {
  return db.$queryRaw<Claimed[]>`
    UPDATE "EmailDelivery" SET "nextAttemptAt" = ${new Date(now.getTime() + LEASE_MS)}, "attempts" = "attempts" + 1
     WHERE "id" IN (SELECT "id" FROM "EmailDelivery" WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}
                    ORDER BY "nextAttemptAt" FOR UPDATE SKIP LOCKED LIMIT ${limit})
    RETURNING "id"::text AS "id", "to", "subject", "text", "attempts"`
}

/** Sends what is due at `now` through `mailer`, one email after another, and records each outcome. */
export async function sendDueEmails(
  mailer: Mailer,
  { now = new Date(), limit = 20 }: { now?: Date; limit?: number } = {},
): Promise<EmailOutcome[]> {
  const outcomes: EmailOutcome[] = []
  for (const email of await claimDueEmails(now, limit)) {
    try {
      const messageId = await mailer.send(email)
      await db.emailDelivery.update({
        where: { id: email.id },
        data: { status: 'DELIVERED', messageId, sentAt: now, lastError: null },
      })
      outcomes.push({ id: email.id, status: 'DELIVERED' })
    } catch (error) {
      const { message, permanent } = mailer.describe(error)
      const delay = permanent ? undefined : EMAIL_RETRY_DELAYS_MS[email.attempts - 1]
      const retryAt = delay === undefined ? undefined : new Date(now.getTime() + delay)
      await db.emailDelivery.update({
        where: { id: email.id },
        data: { lastError: message, ...(retryAt ? { nextAttemptAt: retryAt } : { status: 'FAILED' }) },
      })
      outcomes.push({ id: email.id, status: retryAt ? 'PENDING' : 'FAILED', error: message, retryAt })
    }
  }
  return outcomes
}

/**
 * For the worker loop: a sender over one pooled transport from SMTP_URL, or null when email is off (then no
 * email is ever queued either). Each tick sends what is due and logs one line per failure.
 */
export function createEmailSender(log: (line: string) => void) {
  const env = emailEnv()
  if (!env.SMTP_URL) return null
  const mailer = createMailer(env.SMTP_URL, env.EMAIL_FROM)
  return {
    tick: async () => {
      const outcomes = await sendDueEmails(mailer)
      const sent = outcomes.filter((o) => o.status === 'DELIVERED').length
      if (sent) log(`sent ${sent} email${sent === 1 ? '' : 's'}`)
      for (const o of outcomes)
        if (o.error)
          log(
            `email ${shortId(o.id)} not sent: ${o.error} (${o.retryAt ? `next try ${o.retryAt.toISOString()}` : 'given up'})`,
          )
    },
    stop: () => mailer.close(),
  }
}
