import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { targetDatabases } from '@/lib/testing/target-databases'
import { copyPart } from './load'
import type { PartState } from './state'
import { sqliteSource } from './sqlite-source'

// A chunk whose COPY the target refuses before the COPY begins – its table dropped since the copy was planned,
// or a lock it cannot get in time – ends its part at once with the target's message, naming the table. The
// COPY stream is then never answered by the server; a copy that waited on it would hang for ever (as one did
// when the target server stopped at that moment). The connection goes on to its next statement.

const { fresh, sqliteFile } = targetDatabases('load')

const ROWS = 2_000
const sourceFile = (name: string) =>
  sqliteFile(name, 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)', (db) => {
    const insert = db.prepare('INSERT INTO items (name) VALUES (?)')
    db.transaction(() => {
      for (let i = 1; i <= ROWS; i++) insert.run(`item ${i}`)
    })()
  })

async function copyItems(client: pg.Client, path: string) {
  const source = sqliteSource(path)
  const [table] = await source.tables()
  if (!table) throw new Error('The source has no table.')
  const reader = await source.reader()
  const part: PartState = {
    table: 'items',
    part: 0,
    lo: null,
    hi: null,
    lastKey: null,
    written: 0,
    rejected: 0,
    done: false,
  }
  try {
    await copyPart({
      client,
      reader,
      plan: {
        source: table,
        columns: table.columns,
        format: 'text',
        copySql: 'COPY public.items (id, name) FROM STDIN',
        merge: null,
      },
      part,
      copyId: 'refused',
      chunkRows: 500,
      proceed: () => true,
    })
  } finally {
    await reader.close()
    await source.close()
  }
}

describe('a chunk whose COPY the target refuses before it begins', () => {
  it('its table is gone: the part fails with the target’s message naming it, and the connection goes on', async () => {
    const t = await fresh('load_table_gone')
    await expect(copyItems(t.client, sourceFile('gone.db'))).rejects.toThrow(
      /^items: relation "public.items" does not exist/,
    )
    expect((await t.client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }])
  }, 20_000)

  it('its table is locked past the lock timeout: the same, and the chunk left nothing behind', async () => {
    const t = await fresh('load_table_locked')
    await t.client.query('CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)')
    const locker = new pg.Client({ connectionString: t.url })
    await locker.connect()
    try {
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE')
      await t.client.query(`SET lock_timeout = '200ms'`)
      await expect(copyItems(t.client, sourceFile('locked.db'))).rejects.toThrow(
        /^items: canceling statement due to lock timeout/,
      )
      await locker.query('ROLLBACK')
      expect((await t.client.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }])
    } finally {
      await locker.end()
    }
  }, 20_000)
})
