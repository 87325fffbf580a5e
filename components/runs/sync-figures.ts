import { formatSeconds } from '@/lib/domain/words'

// How the sync views write their figures, the same on the run page, the plan page and monitoring.

export const count = (n: number) => n.toLocaleString('en')

/** Lag as people read it: "0.4 s behind", "2 min 5 s behind". */
export const lagWords = (seconds: number) => `${formatSeconds(seconds)} behind`

/** A cutover's downtime: "2.3 s", "1 min 4 s". */
export const downtimeWords = (ms: number) => formatSeconds(ms / 1000)

/** An instant to the second ("2026-11-21 14:05:09 UTC"): a sync's figures move faster than the minute. */
export const clockUtc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`
