import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { createFreshDatabase } from './fresh-database'

// Databases for the engine's tests: fresh PostgreSQL databases on the test server, each with a client
// (closed after the file's tests) and its target, and SQLite files in a directory of the file's own.

export type TestDatabase = { url: string; client: pg.Client; target: ReturnType<typeof postgresTargetFromUrl> }

export function targetDatabases(prefix: string) {
  let dir = ''
  const clients: pg.Client[] = []
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `lockstep-${prefix}-`))
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()))
  })
  return {
    async fresh(name: string): Promise<TestDatabase> {
      const url = await createFreshDatabase(name, { migrate: false })
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      clients.push(client)
      return { url, client, target: postgresTargetFromUrl(`${url}?sslmode=disable`) }
    },
    /** A SQLite file made by `sql` (and `fill`), closed again; its path. */
    sqliteFile(name: string, sql: string, fill?: (db: Database.Database) => void): string {
      const path = join(dir, name)
      const db = new Database(path)
      db.exec(sql)
      fill?.(db)
      db.close()
      return path
    },
  }
}
