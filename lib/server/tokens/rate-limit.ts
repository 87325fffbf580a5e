import 'server-only'
import { db } from '@/lib/db'

// Requests per token in a fixed window of a minute, counted by one statement: the window is started or
// continued and the request counted at once, so requests sent together cannot all slip under the limit.

export const RATE_WINDOW_MS = 60_000

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number }

export async function countTokenRequest(tokenId: string, limit: number, now = new Date()): Promise<RateDecision> {
  const rows = await db.$queryRaw<{ windowStartedAt: Date; requests: number }[]>`
    INSERT INTO "ApiRateWindow" AS w ("tokenId", "windowStartedAt", "requests")
    VALUES (${tokenId}::uuid, ${now}::timestamptz, 1)
    ON CONFLICT ("tokenId") DO UPDATE SET
      "windowStartedAt" = CASE WHEN w."windowStartedAt" <= ${now}::timestamptz - ${RATE_WINDOW_MS}::float8 * interval '1 millisecond'
                               THEN ${now}::timestamptz ELSE w."windowStartedAt" END,
      "requests" = CASE WHEN w."windowStartedAt" <= ${now}::timestamptz - ${RATE_WINDOW_MS}::float8 * interval '1 millisecond'
                        THEN 1 ELSE w."requests" + 1 END
    RETURNING "windowStartedAt", "requests"`
  const row = rows[0]
  if (!row || row.requests <= limit) return { ok: true }
  const endsIn = row.windowStartedAt.getTime() + RATE_WINDOW_MS - now.getTime()
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(endsIn / 1000)) }
}
