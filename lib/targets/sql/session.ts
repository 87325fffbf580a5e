import { createHash } from 'node:crypto'
import type pg from 'pg'
import { connectPostgres, describePostgresError, type PostgresTarget } from '@/lib/targets/postgres'
import { ensureHistory } from './history'

// A session on a target for applying scripts: a connection holding Lockstep's migration lock (one run per
// target at a time, a session advisory lock, polled – never a transactional lock) and a second connection
// that watches it.

export type ApplyEvent = { level: 'info' | 'warn' | 'error'; version?: string; statement?: number; message: string }

/** A refusal before anything runs: a changed checksum, a failed script awaiting a decision, a busy target. */
export class ApplyRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ApplyRefused'
  }
}

// One advisory lock key for "Lockstep is migrating this database" (the first 8 bytes of sha256("lockstep")).
const LOCK_KEY = BigInt.asIntN(
  64,
  BigInt(`0x${createHash('sha256').update('lockstep').digest('hex').slice(0, 16)}`),
).toString()

/** A long-running connection to the target, with failures described for the person who must fix them. */
export async function openTargetConnection(target: PostgresTarget, applicationName: string): Promise<pg.Client> {
  try {
    return await connectPostgres(target, { applicationName, longRunning: true })
  } catch (error) {
    throw new Error(describePostgresError(error, target).message)
  }
}

/** Thrown when a person cancelled before or between statements. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled.')
    this.name = 'Cancelled'
  }
}

/** Waits for the target's migration lock, polling pg_try_advisory_lock; names the holder when it gives up. */
async function takeTargetLock(client: pg.Client, waitMs: number, log: (e: ApplyEvent) => void, signal?: AbortSignal) {
  const deadline = Date.now() + waitMs
  let told = false
  for (;;) {
    if (signal?.aborted) throw new Cancelled()
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [LOCK_KEY])
    if (rows[0]?.ok) return
    const holder = await client.query<{ pid: number; application_name: string }>(
      `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [LOCK_KEY],
    )
    const who = holder.rows[0]
      ? `session ${holder.rows[0].pid}${holder.rows[0].application_name ? ` (${holder.rows[0].application_name})` : ''}`
      : 'another session'
    if (Date.now() > deadline)
      throw new ApplyRefused(
        `Another run is migrating this database (${who} holds Lockstep's lock); try again when it has finished.`,
      )
    if (!told) log({ level: 'info', message: `Waiting for another run on this database to finish (${who}).` })
    told = true
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Who is blocking `pid` right now, in words, or null. */
export async function blockersOf(monitor: pg.Client, pid: number): Promise<string | null> {
  const { rows } = await monitor.query<{
    pid: number
    usename: string
    application_name: string
    state: string
    query: string
  }>(
    `SELECT a.pid, a.usename, a.application_name, a.state, left(a.query, 120) AS query
       FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids($1))`,
    [pid],
  )
  if (rows.length === 0) return null
  return rows
    .map(
      (r) =>
        `session ${r.pid} (user ${r.usename}${r.application_name ? `, ${r.application_name}` : ''}, ${r.state}${r.query ? `: ${r.query.replace(/\s+/g, ' ')}` : ''})`,
    )
    .join('; ')
}

/**
 * A connection to the target that holds Lockstep's migration lock (one run per target at a time), and a
 * second one that watches it: who blocks it, and pg_cancel_backend when a person cancels.
 */
export type TargetSession = {
  client: pg.Client
  monitor: pg.Client
  pid: number
  secrets: string[]
  target: PostgresTarget
}

/** `recordHistory: false` leaves the target without Lockstep's history table when it has none. */
export type SessionOptions = {
  log?: (event: ApplyEvent) => void
  signal?: AbortSignal
  lockWaitMs?: number
  applicationName?: string
  recordHistory?: boolean
}

/** Opens a session on the target, waits for Lockstep's lock (polling), runs `fn`, and always lets go. */
export async function withTargetSession<T>(
  target: PostgresTarget,
  options: SessionOptions,
  fn: (session: TargetSession) => Promise<T>,
): Promise<T> {
  const name = options.applicationName ?? 'lockstep'
  const client = await openTargetConnection(target, name)
  let monitor: pg.Client | null = null
  try {
    monitor = await openTargetConnection(target, `${name} (monitor)`)
    // A backend whose client died mid-statement notices within a second and ends, letting the lock go (PostgreSQL 14+).
    await client.query('SET client_connection_check_interval = 1000').catch(() => undefined)
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0
    await takeTargetLock(client, options.lockWaitMs ?? 60_000, options.log ?? (() => undefined), options.signal)
    try {
      if (options.recordHistory !== false) await ensureHistory(client)
      return await fn({ client, monitor, pid, secrets: [target.password], target })
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [LOCK_KEY]).catch(() => undefined)
    }
  } finally {
    await client.end().catch(() => undefined)
    await monitor?.end().catch(() => undefined)
  }
}
