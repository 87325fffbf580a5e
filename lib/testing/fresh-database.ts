import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { applyMigrations } from '@/lib/migrate/migrations'
import { quoteIdent } from '@/lib/targets/quote'

export { queryDatabase } from './query-database'

/** Creates an empty database on the test server; with `migrate`, Lockstep's migrations applied. */
export async function createFreshDatabase(prefix: string, options: { migrate: boolean }): Promise<string> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const client = new pg.Client({ connectionString: inject('serverUrl') })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`)
  } finally {
    await client.end()
  }
  const url = new URL(inject('serverUrl'))
  url.pathname = `/${name}`
  if (options.migrate) await applyMigrations(url.toString())
  return url.toString()
}
