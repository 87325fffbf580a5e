import { createHmac } from 'node:crypto'
import { db, Prisma, type Tx } from '@/lib/db'
import { appEnv } from '@/lib/env'
import {
  ADDRESS_WINDOW_MS,
  addressLimitKey,
  describeWait,
  LOCKOUT_FIRST_MS,
  LOCKOUT_LONGEST_MS,
  LOCKOUT_MAX_DOUBLINGS,
} from './rules'

// No authorization: sign-in and re-authentication count the guesses of whoever makes them.
//
// A guess is counted before it is checked, by one statement that refuses while the account (or email, or
// address) is locked and otherwise adds one – so guesses sent together cannot all pass a check made before
// any of them was counted, and no more than the limit are ever checked. A guess that turns out right takes
// its count back (a right password still waiting for its code as well); a wrong one keeps it.

/** A counted guess, or the wait before another is taken. `lockMs`: how long this very failure locks for. */
export type Attempt = { ok: true; failures: number; lockMs: number } | { ok: false; retryIn: string }

/** The lock a failure count earns from `at`, in SQL: `lockoutMs` of rules.ts, applied by the database. */
export function lockedUntilSql(failures: Prisma.Sql, at: Date, maxFailures = appEnv().SIGNIN_MAX_FAILURES): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${failures} >= ${maxFailures}::int
    THEN ${at}::timestamptz + LEAST(${LOCKOUT_FIRST_MS}::float8 * power(2, LEAST(${failures} - ${maxFailures}::int, ${LOCKOUT_MAX_DOUBLINGS}::int)), ${LOCKOUT_LONGEST_MS}::float8) * interval '1 millisecond'
    ELSE NULL END`
}

type CounterRow = { failedSignIns: number; lockedUntil: Date | null }

function toAttempt(row: CounterRow | undefined, now: number): Attempt | null {
  if (!row) return null
  return {
    ok: true,
    failures: row.failedSignIns,
    lockMs: row.lockedUntil ? Math.max(0, row.lockedUntil.getTime() - now) : 0,
  }
}

/** The wait left on a lock found in place; at least a second, for a lock that ran out just now. */
const refusal = (lockedUntil: Date | null | undefined, now: number): Attempt => ({
  ok: false,
  retryIn: describeWait(Math.max(1_000, (lockedUntil?.getTime() ?? now) - now)),
})

/** Counts a guess at an account's password or code; null when there is no such user. */
export async function countAccountAttempt(userId: string, now = Date.now()): Promise<Attempt | null> {
  const at = new Date(now)
  const rows = await db.$queryRaw<CounterRow[]>`
    UPDATE "User" SET "failedSignIns" = "failedSignIns" + 1, "lockedUntil" = ${lockedUntilSql(Prisma.sql`"failedSignIns" + 1`, at)}
    WHERE "id" = ${userId}::uuid AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${at}::timestamptz)
    RETURNING "failedSignIns", "lockedUntil"`
  const counted = toAttempt(rows[0], now)
  if (counted) return counted
  const user = await db.user.findUnique({ where: { id: userId }, select: { lockedUntil: true } })
  return user ? refusal(user.lockedUntil, now) : null
}

/** A right password that still needs its code: the guess was not wrong, so it no longer counts (nor the lock it set). */
export async function uncountAccountAttempt(userId: string, attempt: Attempt): Promise<void> {
  if (!attempt.ok) return
  await db.$executeRaw`
    UPDATE "User" SET "failedSignIns" = GREATEST("failedSignIns" - 1, 0), "lockedUntil" = ${attempt.lockMs ? Prisma.sql`NULL` : Prisma.sql`"lockedUntil"`}
    WHERE "id" = ${userId}::uuid`
}

/** What an email is counted under: keyed, so that a password typed into the email field is not kept. */
const emailKey = (normalisedEmail: string) =>
  createHmac('sha256', appEnv().AUTH_SECRET).update(`sign-in-email:${normalisedEmail}`).digest('hex')

/** Counts a guess for an email that names no active account, exactly as an account's guess is counted. */
export async function countUnknownEmailAttempt(normalisedEmail: string, now = Date.now()): Promise<Attempt> {
  const at = new Date(now)
  const key = emailKey(normalisedEmail)
  const rows = await db.$queryRaw<CounterRow[]>`
    INSERT INTO "SignInEmailCounter" AS c ("emailKey", "failedSignIns", "lockedUntil", "updatedAt")
    VALUES (${key}, 1, ${lockedUntilSql(Prisma.sql`1`, at)}, ${at}::timestamptz)
    ON CONFLICT ("emailKey") DO UPDATE
      SET "failedSignIns" = c."failedSignIns" + 1, "lockedUntil" = ${lockedUntilSql(Prisma.sql`c."failedSignIns" + 1`, at)}, "updatedAt" = ${at}::timestamptz
      WHERE c."lockedUntil" IS NULL OR c."lockedUntil" <= ${at}::timestamptz
    RETURNING "failedSignIns", "lockedUntil"`
  const counted = toAttempt(rows[0], now)
  if (counted) return counted
  const row = await db.signInEmailCounter.findUnique({ where: { emailKey: key }, select: { lockedUntil: true } })
  return refusal(row?.lockedUntil, now)
}

/** A guess counted against a client address: `key` null when the address is unknown (nothing counted). */
export type AddressAttempt =
  { ok: true; key: string | null; windowStartedAt: Date | null } | { ok: false; retryIn: string }

/** Counts a sign-in attempt from `address` within its 15-minute window; refuses once the window holds the limit. */
export async function countAddressAttempt(address: string | null, now = Date.now()): Promise<AddressAttempt> {
  const key = addressLimitKey(address)
  if (!key) return { ok: true, key: null, windowStartedAt: null }
  const at = new Date(now)
  const expired = new Date(now - ADDRESS_WINDOW_MS)
  const rows = await db.$queryRaw<{ windowStartedAt: Date }[]>`
    INSERT INTO "SignInAddressCounter" AS c ("address", "windowStartedAt", "failures") VALUES (${key}, ${at}::timestamptz, 1)
    ON CONFLICT ("address") DO UPDATE
      SET "failures" = CASE WHEN c."windowStartedAt" <= ${expired}::timestamptz THEN 1 ELSE c."failures" + 1 END,
          "windowStartedAt" = CASE WHEN c."windowStartedAt" <= ${expired}::timestamptz THEN ${at}::timestamptz ELSE c."windowStartedAt" END
      WHERE c."windowStartedAt" <= ${expired}::timestamptz OR c."failures" < ${appEnv().SIGNIN_MAX_FAILURES_PER_ADDRESS}::int
    RETURNING "windowStartedAt"`
  if (rows[0]) return { ok: true, key, windowStartedAt: rows[0].windowStartedAt }
  const row = await db.signInAddressCounter.findUnique({ where: { address: key }, select: { windowStartedAt: true } })
  return {
    ok: false,
    retryIn: describeWait(Math.max(1_000, (row?.windowStartedAt.getTime() ?? now) + ADDRESS_WINDOW_MS - now)),
  }
}

/** An attempt that did not fail (signed in, or a right password waiting for its code) no longer counts against its address. */
export async function uncountAddressAttempt(attempt: AddressAttempt, tx: Tx = db): Promise<void> {
  if (!attempt.ok || !attempt.key || !attempt.windowStartedAt) return
  await tx.$executeRaw`
    UPDATE "SignInAddressCounter" SET "failures" = GREATEST("failures" - 1, 0)
    WHERE "address" = ${attempt.key} AND "windowStartedAt" = ${attempt.windowStartedAt}::timestamptz`
}
