import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { runCopy, type CopyOptions } from './engine'
import { postgresSource } from './postgres-source'

// Real PostgreSQL schemas as copy sources, from fixtures that reproduce their shapes (fixtures/*.sql: what
// pagila and Prisma-built schemas such as cal.com's and documenso's hold): copied in both modes, resumed
// after a stop, validated exactly, and written to afterwards through every sequence.

const { fresh } = targetDatabases('shapes')

/** The fixture's schema (and seed rows), and the rows only a source has. */
function fixture(name: string): { schema: string; data: string } {
  const [schema = '', data = ''] = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split(
    '\n-- data\n',
  )
  return { schema, data }
}

async function source(name: string, file: string): Promise<TestDatabase> {
  const db = await fresh(name)
  const { schema, data } = fixture(file)
  await db.client.query(schema)
  await db.client.query(data)
  return db
}

async function copy(from: TestDatabase, to: TestDatabase, options: Partial<CopyOptions> = {}) {
  return runCopy({
    copyId: 'shapes',
    session: to.client,
    target: to.target,
    source: postgresSource(from.target),
    mode: 'create',
    onRejects: async () => undefined,
    ...options,
  })
}

async function validate(from: TestDatabase, to: TestDatabase) {
  const [s, t] = [postgresSide(from.target), postgresSide(to.target)]
  try {
    return await runValidation(s, t)
  } finally {
    await Promise.all([s.close(), t.close()])
  }
}

/** Each table's rows as text (arrays, enums, composites, tsvector as PostgreSQL prints them), hashed, and counted. */
async function dump(db: TestDatabase, tables: readonly string[]) {
  const result: Record<string, unknown> = {}
  for (const table of tables) {
    // A partitioned table with its partitions; any other without its inheritance children.
    const kind = (await db.client.query(`SELECT relkind FROM pg_class WHERE oid = $1::regclass`, [`"${table}"`]))
      .rows[0].relkind
    result[table] = (
      await db.client.query(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h, count(*)::int AS n FROM ${kind === 'p' ? '' : 'ONLY '}"${table}" t`,
      )
    ).rows[0]
  }
  return result
}

const PAGILA_TABLES = ['store', 'staff', 'film', 'rental', 'rental_archive', 'payment', 'note', 'film_note']

describe('copying the shapes of real PostgreSQL schemas', () => {
  it('creates enums, domains, composite and range types, keeps arrays and tsvector exactly, copies partitions and inheritance children once, resumes, validates, and inserts afterwards', async () => {
    const from = await source('shapes_src', 'postgres-shapes.sql')
    // A copy of one schema says nothing of the others (copySchemas takes them all: schemas.integration.test.ts).
    await from.client.query(`CREATE SCHEMA sales; CREATE TABLE sales.invoice (id int PRIMARY KEY)`)
    const to = await fresh('shapes_create')
    // Stopped during the third chunk, then run again: it resumes.
    const controller = new AbortController()
    const plain = postgresSource(from.target)
    let chunks = 0
    const stopping: CopyOptions['source'] = {
      ...plain,
      reader: async () => {
        const reader = await plain.reader()
        return { ...reader, chunk: async (...args) => (++chunks === 3 && controller.abort(), reader.chunk(...args)) }
      },
    }
    const first = await copy(from, to, { source: stopping, chunkRows: 100, jobs: 2, signal: controller.signal })
    expect(first.status).toBe('CANCELLED')
    const second = await copy(from, to, { chunkRows: 100, jobs: 2 })
    expect(second.error).toBeUndefined()
    expect(second.status).toBe('SUCCEEDED')
    expect(second.warnings).toEqual(
      expect.arrayContaining([
        'Types: the enum mpaa_rating is recreated.',
        'Types: the domain year is recreated with its checks.',
        'Types: the composite type address_line is recreated.',
        'Types: the range type price_range is recreated.',
        'Types: the extension citext is created on the target when missing (for its type citext).',
        "Extensions the tables' defaults, indexes or checks use, created on the target when missing: pg_trgm.",
        'payment: partitioned on the source (2 partitions); created as one table holding the rows of all of them.',
        'film_note: inherits from note on the source; created as a table of its own, its rows copied here only (not again with its parent).',
      ]),
    )
    expect(second.warnings.filter((w) => /copied as text|left out|sales/.test(w))).toEqual([])
    // Objects other than tables are listed one by one as not copied (the CLI's exit code 4), not only mentioned.
    expect(second.notCopied?.map((n) => [n.table, n.object])).toEqual([
      [null, 'function keep_note'],
      ['note', 'trigger note.note_keep'],
    ])
    expect(await dump(to, PAGILA_TABLES)).toEqual(await dump(from, PAGILA_TABLES))
    expect((await to.client.query(`SELECT count(*)::int AS n FROM note`)).rows[0].n).toBe(30)

    const columns = `SELECT attname, format_type(atttypid, atttypmod) AS type, pg_get_expr(adbin, adrelid) AS default FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
                      WHERE attrelid = 'film'::regclass AND attnum > 0 AND attname IN ('rating', 'ratings_seen', 'release_year', 'home', 'prices', 'fulltext', 'special_features', 'big_number') ORDER BY attnum`
    expect((await to.client.query(columns)).rows).toEqual((await from.client.query(columns)).rows)

    const report = await validate(from, to)
    // film_note has no primary key (inheritance does not carry it): compared by count and whole-table checksum.
    expect(report.tables.filter((t) => t.state !== 'VALIDATED').map((t) => [t.table, t.state, t.notes])).toEqual([
      ['film_note', 'NO_PRIMARY_KEY', ['no primary key: compared by row count and whole-table checksum – equal']],
    ])
    expect(report.status).toBe('PASSED')

    // Every sequence past the copied rows: identities, the sequence three tables share, one no column owns.
    const next = async (sql: string) => (await to.client.query(sql)).rows[0]
    expect(await next(`INSERT INTO rental (film_id) VALUES (1) RETURNING rental_id, ticket`)).toEqual({
      rental_id: 2150,
      ticket: '701',
    })
    expect(await next(`INSERT INTO store (manager_staff_id, name) VALUES (1, 'new') RETURNING store_id`)).toEqual({
      store_id: 3,
    })
    expect(await next(`INSERT INTO staff (store_id, name) VALUES (1, 'new') RETURNING staff_id`)).toEqual({
      staff_id: 4,
    })
    expect(await next(`INSERT INTO film (title, fulltext) VALUES ('new', '') RETURNING film_id, rating::text`)).toEqual(
      { film_id: 1201, rating: 'G' },
    )
    expect(await next(`INSERT INTO film_note (body) VALUES ('new') RETURNING note_id`)).toEqual({ note_id: 51 })
    await expect(
      to.client.query(`INSERT INTO film (title, fulltext, release_year) VALUES ('too old', '', 1800)`),
    ).rejects.toThrow(/year_check/)

    expect((await copy(from, to)).status).toBe('ALREADY_COPIED')
  })

  it('copies into existing tables whose foreign keys form cycles, restores the keys, validates, and moves sequences no column owns', async () => {
    const from = await source('shapes_src_existing', 'postgres-shapes.sql')
    const to = await fresh('shapes_existing')
    await to.client.query(fixture('postgres-shapes.sql').schema)
    const keys = `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text NOT LIKE 'lockstep%' ORDER BY 1, 2`
    const before = (await to.client.query(keys)).rows
    const summary = await copy(from, to, { mode: 'existing', chunkRows: 100, jobs: 2 })
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.warnings).toContain(
      'Foreign keys on a cycle of references, dropped for the load and added back after it: film.film_sequel_of_fkey → film, staff.staff_store_id_fkey → store, store.store_manager_fkey → staff.',
    )
    expect(summary.warnings).toContain(
      "note: the target's trigger note_keep runs on every copied row; what it changes differs from the source (validation shows those rows).",
    )
    expect((await to.client.query(keys)).rows).toEqual(before)
    expect(await dump(to, PAGILA_TABLES)).toEqual(await dump(from, PAGILA_TABLES))
    expect((await validate(from, to)).status).toBe('PASSED')
    const next = async (sql: string) => (await to.client.query(sql)).rows[0]
    expect(await next(`INSERT INTO rental (film_id) VALUES (1) RETURNING rental_id, ticket`)).toEqual({
      rental_id: 2150,
      ticket: '701',
    })
    expect(await next(`INSERT INTO payment (paid_on, amount) VALUES ('2024-12-31', 1) RETURNING payment_id`)).toEqual({
      payment_id: 2151,
    })
    expect(await next(`INSERT INTO store (manager_staff_id, name) VALUES (1, 'new') RETURNING store_id`)).toEqual({
      store_id: 3,
    })
  })

  it('refuses existing tables that the migrations seeded, unless told to empty them (confirmed) or to merge by key; both validate exactly', async () => {
    const from = await source('prisma_src', 'prisma-shapes.sql')
    const seeded = async (name: string) => {
      const db = await fresh(name)
      await db.client.query(fixture('prisma-shapes.sql').schema)
      return db
    }
    const refused = await seeded('prisma_refused')
    await expect(copy(from, refused, { mode: 'existing' })).rejects.toThrow(
      "The target tables “Setting” (2 rows), “User” (1 row) already have rows (seeded by the application's migrations?). Choose: empty them first, or merge the source's rows by primary key.",
    )
    await expect(
      copy(from, refused, { mode: 'existing', existingRows: 'empty', confirmEmpty: async () => false }),
    ).rejects.toThrow('Emptying “Setting” (2 rows), “User” (1 row) was not confirmed; nothing was changed.')
    expect((await refused.client.query(`SELECT count(*)::int AS n FROM "Setting"`)).rows[0].n).toBe(2)

    const emptied = await seeded('prisma_emptied')
    const asked: string[][] = []
    const summary = await copy(from, emptied, {
      mode: 'existing',
      existingRows: 'empty',
      confirmEmpty: async (tables) => (asked.push(tables.map((t) => t.table)), true),
      chunkRows: 100,
    })
    expect(summary.error).toBeUndefined()
    expect(summary.status).toBe('SUCCEEDED')
    expect(asked).toEqual([['Setting', 'User']])
    expect(summary.warnings).toContain('Emptied before the load: “Setting” (2 rows), “User” (1 row).')
    expect((await validate(from, emptied)).status).toBe('PASSED')
    expect(
      (await emptied.client.query(`INSERT INTO "User" (email) VALUES ('new@example.com') RETURNING id`)).rows,
    ).toEqual([{ id: 502 }])

    const merged = await seeded('prisma_merged')
    const merge = await copy(from, merged, { mode: 'existing', existingRows: 'merge', chunkRows: 100 })
    expect(merge.error).toBeUndefined()
    expect(merge.status).toBe('SUCCEEDED')
    expect((await merged.client.query(`SELECT key, value FROM "Setting" ORDER BY key`)).rows).toEqual([
      { key: 'locale', value: 'en' },
      { key: 'signup', value: 'open' },
      { key: 'theme', value: 'dark' },
    ])
    expect((await validate(from, merged)).status).toBe('PASSED')
    expect(
      (await merged.client.query(`INSERT INTO "User" (email) VALUES ('new@example.com') RETURNING id`)).rows,
    ).toEqual([{ id: 502 }])

    // The same Prisma schema copied into a fresh database: enums and enum arrays with their defaults.
    const created = await fresh('prisma_created')
    const copied = await copy(from, created)
    expect(copied.status).toBe('SUCCEEDED')
    expect((await validate(from, created)).status).toBe('PASSED')
    expect(
      (
        await created.client.query(
          `INSERT INTO "User" (email) VALUES ('new@example.com') RETURNING id, role::text, roles::text`,
        )
      ).rows,
    ).toEqual([{ id: 502, role: 'USER', roles: '{USER}' }])
  })

  it('names the table when the target cannot take what the source defines', async () => {
    const from = await fresh('shapes_src_function')
    await from.client
      .query(`CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'G-' || floor(random() * 1000)::text $$;
      CREATE TABLE gadget (id int PRIMARY KEY, code text NOT NULL DEFAULT next_code()); INSERT INTO gadget (id) VALUES (1)`)
    const to = await fresh('shapes_function')
    await expect(copy(from, to)).rejects.toThrow(
      'Creating the table gadget on the target failed: function next_code() does not exist',
    )
  })
})
