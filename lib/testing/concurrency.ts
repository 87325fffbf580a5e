import pg from 'pg'
import { inject } from 'vitest'
import { db } from '@/lib/db'
import { until } from './worker-process'

/**
 * Opens `n` connections of the app's pool at once, so that requests fired together each find one ready: on
 * a loaded machine, opening them as the requests start can outlast Prisma's wait for a transaction (2 s).
 */
export async function warmPool(n = 8): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => db.$executeRaw`SELECT pg_sleep(0.1)`))
}

/**
 * A write in a transaction of its own on the test database, left open: what a concurrent request has done
 * after its check passed and before it committed – the moment a check cannot see. `whileHeld` starts a
 * request, waits until PostgreSQL makes it wait for this transaction (or until it ends), then commits the
 * held write and answers the request's outcome.
 */
export async function holdWrite(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: inject('databaseUrl') })
  await client.connect()
  await client.query('BEGIN')
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  await client.query(sql, params)
  const pid = rows[0]?.pid ?? 0
  const waitsForMe = async () =>
    (
      await db.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`
    )[0]?.n
  return {
    async whileHeld<T>(request: () => Promise<T>): Promise<PromiseSettledResult<T>> {
      let ended = false
      const outcome = Promise.allSettled([request()]).then(([result]) => {
        ended = true
        return result as PromiseSettledResult<T>
      })
      try {
        await until('the request to wait for the held write', async () => ended || (await waitsForMe()))
        await client.query('COMMIT')
      } finally {
        await client.end()
      }
      return outcome
    },
  }
}
