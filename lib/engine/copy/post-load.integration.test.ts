import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runCopy } from './engine'
import { sqliteSource } from './sqlite-source'

// A copy that stopped while making keys, indexes and foreign keys after its load resumes by the names of the
// statements it finished, not their positions: the source's schema may change between the attempts, and the
// resumed copy still makes exactly the objects the source has now, none twice.

const { fresh, sqliteFile } = targetDatabases('post_load')

const SCHEMA = `CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT, y TEXT);
  CREATE INDEX a_x ON a (x);
  CREATE INDEX a_y ON a (y);
  CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id), z TEXT);
  CREATE INDEX b_z ON b (z);`

function sourceFile(name: string) {
  return sqliteFile(name, SCHEMA, (db) => {
    db.transaction(() => {
      for (let i = 1; i <= 50; i++) db.prepare('INSERT INTO a (x, y) VALUES (?, ?)').run(`x${i}`, `y${i}`)
      for (let i = 1; i <= 80; i++) db.prepare('INSERT INTO b (a_id, z) VALUES (?, ?)').run((i % 50) + 1, `z${i}`)
    })()
  })
}

const copy = (t: TestDatabase, path: string) =>
  // One connection: the statements after the load run in their order, and stop at the first that fails.
  runCopy({
    copyId: 'post-load',
    session: t.client,
    target: t.target,
    source: sqliteSource(path),
    mode: 'create',
    jobs: 1,
  })

/** The first attempt stops at the index b_z: a relation of that name is in its way, until a person drops it. */
async function stoppedAtIndex(t: TestDatabase, path: string) {
  await t.client.query('CREATE TABLE b_z (in_the_way int)')
  const first = await copy(t, path)
  expect(first.status).toBe('FAILED')
  expect(first.error).toMatch(/b_z/)
  await t.client.query('DROP TABLE b_z')
}

const indexes = async (t: TestDatabase) =>
  (
    await t.client.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
    )
  ).rows.map((r) => r.name)

const foreignKeys = async (t: TestDatabase) =>
  (
    await t.client.query<{ def: string }>(
      `SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    )
  ).rows.map((r) => r.def)

function changeSource(path: string, sql: string) {
  const db = new Database(path)
  db.exec(sql)
  db.close()
}

describe('resuming a copy stopped after its load', () => {
  it('makes an index the source gained before the resume', async () => {
    const path = sourceFile('gained.db')
    const t = await fresh('post_load_gained')
    await stoppedAtIndex(t, path)
    changeSource(path, 'CREATE INDEX a_xy ON a (x, y)')

    const second = await copy(t, path)
    expect(second.status).toBe('SUCCEEDED')
    expect(await indexes(t)).toEqual(['a_pkey', 'a_x', 'a_xy', 'a_y', 'b_pkey', 'b_z'])
    expect(await foreignKeys(t)).toEqual(['b FOREIGN KEY (a_id) REFERENCES a(id)'])
    expect((await t.client.query(`INSERT INTO b (z) VALUES ('next') RETURNING id`)).rows).toEqual([{ id: '81' }])
  })

  it('still makes the statements after an index the source lost before the resume, and nothing twice', async () => {
    const path = sourceFile('lost.db')
    const t = await fresh('post_load_lost')
    await stoppedAtIndex(t, path)
    changeSource(path, 'DROP INDEX a_x')

    const second = await copy(t, path)
    expect(second.status).toBe('SUCCEEDED')
    // a_x was made by the first attempt, when the source still had it; the copy drops nothing it made.
    expect(await indexes(t)).toEqual(['a_pkey', 'a_x', 'a_y', 'b_pkey', 'b_z'])
    expect(await foreignKeys(t)).toEqual(['b FOREIGN KEY (a_id) REFERENCES a(id)'])
  })

  it('resumes a copy that an earlier version recorded by position, as long as the statements are the same', async () => {
    const path = sourceFile('positions.db')
    const t = await fresh('post_load_positions')
    await stoppedAtIndex(t, path)
    // As versions before names left it: the first five statements (both primary keys among them) by position.
    await t.client.query(
      `UPDATE lockstep.copy SET after_load_names = '{}', after_load_done = '{0,1,2,3,4}' WHERE copy_id = 'post-load'`,
    )

    const second = await copy(t, path)
    expect(second.status).toBe('SUCCEEDED')
    expect(await indexes(t)).toEqual(['a_pkey', 'a_x', 'a_y', 'b_pkey', 'b_z'])
    expect(await foreignKeys(t)).toEqual(['b FOREIGN KEY (a_id) REFERENCES a(id)'])
    const record = await t.client.query(
      `SELECT after_load_done AS positions, cardinality(after_load_names) AS names FROM lockstep.copy WHERE copy_id = 'post-load'`,
    )
    expect(record.rows).toEqual([{ positions: [], names: 10 }])
  })
})
