import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { applyMigrations } from '@/lib/migrate/migrations'
import { quoteIdent } from '@/lib/targets/quote'

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

/** Runs `sql` on the database at `url` over a connection of its own, closed again; the rows. */
export async function queryDatabase<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(sql)).rows
  } finally {
    await client.end()
  }
}
