import { isConnectionLost } from '@/lib/targets/postgres'

// Lockstep's own database going away (a restart, a failover) must not turn a healthy run into a failed one: the
// worker stops the run where it is, marks it interrupted once the database answers again, and resumes it – as
// when a worker dies. These tell such an outage from a failure on the target.

// Prisma's codes for an unreachable server, a timed-out connect, a closed connection.
const DOWN_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017'])
const DOWN =
  /ECONNREFUSED|Can't reach database server|Connection terminated|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|Connection closed/i

/** True when `error` came from Lockstep's own database (Prisma or its driver adapter) because it cannot be reached. */
export function isStateStoreDown(error: unknown): boolean {
  for (
    let e = error as { name?: string; message?: string; code?: string; cause?: unknown } | null | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (DOWN_CODES.has(e.code ?? '')) return true
    const fromState = /^(PrismaClient|DriverAdapterError)/.test(e.name ?? '') || depth > 0
    if (fromState && (isConnectionLost(e) || DOWN.test(e.message ?? ''))) return true
  }
  return false
}

/** Thrown by the engine to leave a run as it is when Lockstep's own database cannot record its outcome. */
export class StateStoreDown extends Error {
  constructor(cause: unknown) {
    super(
      `Lockstep's own database could not be reached: ${(cause as Error)?.message?.trim().split('\n')[0] ?? String(cause)}`,
      { cause },
    )
    this.name = 'StateStoreDown'
  }
}
