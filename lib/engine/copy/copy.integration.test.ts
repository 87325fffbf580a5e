import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runCopy, type CopyOptions } from './engine'
import type { RejectedRow } from './model'
import { postgresSource } from './postgres-source'
import { sqliteSource } from './sqlite-source'
import { interruptedAt } from '@/lib/testing/interrupted-source'

// The copy engine against a real PostgreSQL: every value case compared value by value on both sides,
// rejects, thresholds, cancel and resume, tables without keys, parallel ranges, existing tables, and
// PostgreSQL → PostgreSQL.

const { fresh: freshTarget, sqliteFile } = targetDatabases('copy')

type Target = TestDatabase

async function copy(t: Target, source: CopyOptions['source'], options: Partial<CopyOptions> = {}) {
  const rejects: RejectedRow[] = []
  const summary = await runCopy({
    copyId: 'test',
    session: t.client,
    target: t.target,
    source,
    mode: 'create',
    onRejects: async (r) => void rejects.push(...r),
    ...options,
  })
  return { summary, rejects }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

describe('copying SQLite into PostgreSQL', () => {
  it('round-trips every kind of value exactly, and rejects the values that do not fit, with table, key, column and reason', async () => {
    const path = sqliteFile(
      'values.db',
      `CREATE TABLE "Value" (id INTEGER PRIMARY KEY, label TEXT, big INTEGER, ratio REAL, flag BOOLEAN, flagWord BOOLEAN, price DECIMAL(8,2), picture BLOB, note VARCHAR(5), "Order" INTEGER);
       CREATE TABLE "Stamp" (id INTEGER PRIMARY KEY, iso DATETIME, seconds DATETIME, millis DATETIME, day DATE);`,
      (db) => {
        const insert = db.prepare('INSERT INTO "Value" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        db.defaultSafeIntegers(true)
        insert.run(1n, null, null, null, null, null, null, null, null, null)
        insert.run(2n, '', MAX_SAFE + 2n, 0.1 + 0.2, 1n, 'true', '12.30', Buffer.from([0, 1, 2, 255]), 'abc', 7n)
        insert.run(
          3n,
          'tab\there\nnew line\\back "quoted" \'single\' 🚀',
          9223372036854775807n,
          1.7976931348623157e308,
          0n,
          'false',
          999999.99,
          Buffer.alloc(0),
          'fünf!',
          -1n,
        )
        insert.run(
          4n,
          'carriage\rreturn',
          -9223372036854775808n,
          5e-324,
          1n,
          'FALSE',
          -0.5,
          Buffer.from('text as blob'),
          '',
          0n,
        )
        insert.run(5n, 'neg zero', 0n, -0, 0n, 'true', 0, null, null, null)
        insert.run(6n, 'infinite', 1n, Number.POSITIVE_INFINITY, 1n, 'true', 1, null, null, null)
        // Misfits: a word in an INTEGER column, a NUL byte in text, too long for varchar(5), a boolean that is not one.
        insert.run(7n, 'bad integer', 'twelve', 1.5, 1n, 'true', 1, null, null, null)
        insert.run(8n, 'nul\u0000byte', 1n, 1.5, 1n, 'true', 1, null, null, null)
        insert.run(9n, 'too long', 1n, 1.5, 1n, 'maybe', 1, null, 'sixsix', null)
        const stamp = db.prepare('INSERT INTO "Stamp" VALUES (?, ?, ?, ?, ?)')
        stamp.run(1n, '2024-02-29 13:45:00', 1709214300n, 1709214300123n, '2024-02-29')
        stamp.run(2n, '2024-03-01T08:00:00.250+02:00', 0n, 1n, '1999-12-31')
        stamp.run(3n, null, null, null, null)
        stamp.run(4n, '2024-02-30 10:00:00', 1709214300n, 1709214300123n, 'someday')
      },
    )
    const t = await freshTarget('copy_values')
    const { summary, rejects } = await copy(t, sqliteSource(path))
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.tables).toEqual([
      expect.objectContaining({ table: 'Stamp', state: 'done', total: 4, written: 3, rejected: 1 }),
      expect.objectContaining({ table: 'Value', state: 'done', total: 9, written: 6, rejected: 3 }),
    ])
    const { rows } = await t.client.query(
      `SELECT id, label, big::text, ratio::text, flag, "flagWord", price::text, encode(picture, 'hex') AS picture, note, "Order"::text FROM "Value" ORDER BY id`,
    )
    expect(rows).toEqual([
      {
        id: '1',
        label: null,
        big: null,
        ratio: null,
        flag: null,
        flagWord: null,
        price: null,
        picture: null,
        note: null,
        Order: null,
      },
      {
        id: '2',
        label: '',
        big: (MAX_SAFE + 2n).toString(),
        ratio: '0.30000000000000004',
        flag: true,
        flagWord: true,
        price: '12.30',
        picture: '000102ff',
        note: 'abc',
        Order: '7',
      },
      {
        id: '3',
        label: 'tab\there\nnew line\\back "quoted" \'single\' 🚀',
        big: '9223372036854775807',
        ratio: '1.7976931348623157e+308',
        flag: false,
        flagWord: false,
        price: '999999.99',
        picture: '',
        note: 'fünf!',
        Order: '-1',
      },
      {
        id: '4',
        label: 'carriage\rreturn',
        big: '-9223372036854775808',
        ratio: '5e-324',
        flag: true,
        flagWord: false,
        price: '-0.50',
        picture: Buffer.from('text as blob').toString('hex'),
        note: '',
        Order: '0',
      },
      {
        id: '5',
        label: 'neg zero',
        big: '0',
        ratio: '0', // SQLite itself stores -0.0 as 0 (values.test.ts covers -0)
        flag: false,
        flagWord: true,
        price: '0.00',
        picture: null,
        note: null,
        Order: null,
      },
      {
        id: '6',
        label: 'infinite',
        big: '1',
        ratio: 'Infinity',
        flag: true,
        flagWord: true,
        price: '1.00',
        picture: null,
        note: null,
        Order: null,
      },
    ])
    await t.client.query(`SET TIME ZONE 'UTC'`)
    const stamps = await t.client.query(
      `SELECT id, iso::text, seconds::text, millis::text, day::text FROM "Stamp" ORDER BY id`,
    )
    expect(stamps.rows).toEqual([
      {
        id: '1',
        iso: '2024-02-29 13:45:00+00',
        seconds: '2024-02-29 13:45:00+00',
        millis: '2024-02-29 13:45:00.123+00',
        day: '2024-02-29',
      },
      {
        id: '2',
        iso: '2024-03-01 06:00:00.25+00',
        seconds: '1970-01-01 00:00:00+00',
        millis: '1970-01-01 00:00:00.001+00',
        day: '1999-12-31',
      },
      { id: '3', iso: null, seconds: null, millis: null, day: null },
    ])
    // Each misfit named: table, key, column, reason, the value.
    expect(rejects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          table: 'Value',
          key: '7',
          column: 'big',
          reason: expect.stringContaining('not a whole number'),
          value: 'twelve',
        }),
        expect.objectContaining({
          table: 'Value',
          key: '8',
          column: 'label',
          reason: expect.stringContaining('NUL byte'),
        }),
        expect.objectContaining({
          table: 'Value',
          key: '9',
          column: 'flagWord',
          reason: expect.stringContaining('not a boolean'),
        }),
        expect.objectContaining({
          table: 'Value',
          key: '9',
          column: 'note',
          reason: expect.stringContaining('do not fit varchar(5)'),
        }),
        expect.objectContaining({
          table: 'Stamp',
          key: '4',
          column: 'iso',
          reason: expect.stringContaining('not a datetime'),
        }),
        expect.objectContaining({ table: 'Stamp', key: '4', column: 'day', value: 'someday' }),
      ]),
    )
    expect(rejects).toHaveLength(6)
    // Identity restarted after the largest id copied.
    expect((await t.client.query(`INSERT INTO "Value" (label) VALUES ('next') RETURNING id`)).rows).toEqual([
      { id: '7' },
    ])
  })

  it('fails the copy when more rows are rejected than allowed, naming the reasons', async () => {
    const path = sqliteFile('rejects.db', `CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)`, (db) => {
      const insert = db.prepare('INSERT INTO t VALUES (?, ?)')
      for (let i = 1; i <= 20; i++) insert.run(i, i % 4 === 0 ? `bad ${i}` : i)
    })
    const t = await freshTarget('copy_threshold')
    const { summary } = await copy(t, sqliteSource(path), { maxRejectedRows: 3 })
    expect(summary.status).toBe('FAILED')
    expect(summary.error).toMatch(
      /^5 rows were rejected, more than the limit of 3\. Most rejected: t\.n \(5; e\.g\. “bad 4” is not a whole number/,
    )
  })

  it('stops between chunks when cancelled and resumes to exactly the source rows, also for tables without a primary key and in parallel ranges', async () => {
    const path = sqliteFile(
      'resume.db',
      `CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE loose (a TEXT, b INTEGER); CREATE TABLE pairs (x INTEGER, y TEXT, PRIMARY KEY (x, y)) WITHOUT ROWID;`,
      (db) => {
        const events = db.prepare('INSERT INTO events (body) VALUES (?)')
        const loose = db.prepare('INSERT INTO loose VALUES (?, ?)')
        const pairs = db.prepare('INSERT INTO pairs VALUES (?, ?)')
        db.transaction(() => {
          for (let i = 0; i < 6000; i++) events.run(`event ${i}`)
          for (let i = 0; i < 3000; i++) loose.run(`same`, i % 7) // duplicates: only the rowid tells them apart
          for (let i = 0; i < 2000; i++) pairs.run(i % 50, `y${i}`)
        })()
        db.exec('DELETE FROM events WHERE id % 97 = 0') // gaps in the key
      },
    )
    const t = await freshTarget('copy_resume')
    const controller = new AbortController()
    const options = { chunkRows: 250, jobs: 3 }
    // A person cancels while the fifth chunk is being written.
    const source = sqliteSource(path)
    const interrupted = interruptedAt(source, 5, controller)
    const first = await copy(t, interrupted, { ...options, signal: controller.signal })
    expect(first.summary.status).toBe('CANCELLED')
    const partial = await t.client.query(`SELECT sum(rows_written)::int AS n FROM lockstep.copy_part`)
    expect(partial.rows[0].n).toBeLessThan(6000 - 61 + 3000 + 2000)
    const parts = await t.client.query(`SELECT count(*)::int AS n FROM lockstep.copy_part WHERE table_name = 'events'`)
    expect(parts.rows[0].n).toBe(3) // split into key ranges for three jobs

    const second = await copy(t, sqliteSource(path), options)
    expect(second.summary.status).toBe('SUCCEEDED')
    const sqlite = new Database(path, { readonly: true })
    const same = async (sqliteSql: string, pgSql: string) => {
      const expected = sqlite
        .prepare(sqliteSql)
        .raw(true)
        .all()
        .map((r) => (r as unknown[]).map(String).join('|'))
      const actual = (await t.client.query({ text: pgSql, rowMode: 'array' })).rows.map((r: unknown[]) =>
        r.map(String).join('|'),
      )
      expect(actual).toEqual(expected)
    }
    await same('SELECT id, body FROM events ORDER BY id', 'SELECT id, body FROM events ORDER BY id')
    await same('SELECT a, b FROM loose ORDER BY b, a', 'SELECT a, b FROM loose ORDER BY b, a')
    await same(
      'SELECT x, y FROM pairs ORDER BY x, y COLLATE BINARY',
      'SELECT x, y FROM pairs ORDER BY x, y COLLATE "C"',
    )
    sqlite.close()

    // Finished: the same copy again is a no-op, unless asked to reload.
    expect((await copy(t, sqliteSource(path), options)).summary.status).toBe('ALREADY_COPIED')
    const reload = await copy(t, sqliteSource(path), { ...options, reload: true })
    expect(reload.summary.status).toBe('SUCCEEDED')
    expect((await t.client.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(6000 - 61)
  })

  it('copies into existing tables made by the application, parents before children, and restarts their sequences', async () => {
    const path = sqliteFile(
      'existing.db',
      `CREATE TABLE "User" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, "createdAt" DATETIME NOT NULL, extra TEXT); CREATE TABLE "Post" (id INTEGER PRIMARY KEY AUTOINCREMENT, "authorId" INTEGER NOT NULL REFERENCES "User"(id), title TEXT)`,
      (db) => {
        db.transaction(() => {
          for (let i = 1; i <= 300; i++)
            db.prepare('INSERT INTO "User" (email, "createdAt") VALUES (?, ?)').run(
              `u${i}@example.com`,
              1709214300123 + i,
            )
          for (let i = 1; i <= 900; i++)
            db.prepare('INSERT INTO "Post" ("authorId", title) VALUES (?, ?)').run((i % 300) + 1, `post ${i}`)
        })()
      },
    )
    const t = await freshTarget('copy_existing')
    await t.client.query(
      `CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, "createdAt" TIMESTAMP(3) NOT NULL, role TEXT NOT NULL DEFAULT 'member')`,
    )
    await t.client.query(
      `CREATE TABLE "Post" (id SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL REFERENCES "User"(id), title TEXT)`,
    )
    const { summary } = await copy(t, sqliteSource(path), { mode: 'existing', jobs: 2, chunkRows: 100 })
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.warnings).toEqual(['User.extra: the target table has no such column; not copied'])
    const first = await t.client.query(`SELECT id, email, "createdAt"::text, role FROM "User" ORDER BY id LIMIT 1`)
    expect(first.rows).toEqual([
      { id: 1, email: 'u1@example.com', createdAt: '2024-02-29 13:45:00.124', role: 'member' },
    ])
    expect((await t.client.query(`SELECT count(*)::int AS n FROM "Post"`)).rows[0].n).toBe(900)
    expect(
      (await t.client.query(`INSERT INTO "User" (email, "createdAt") VALUES ('new@example.com', now()) RETURNING id`))
        .rows,
    ).toEqual([{ id: 301 }])

    // Tables with rows are refused, and nothing changes.
    const again = await freshTarget('copy_existing_full')
    await again.client.query(
      `CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL); INSERT INTO "User" (email, "createdAt") VALUES ('x', now())`,
    )
    await again.client.query(`CREATE TABLE "Post" (id SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL, title TEXT)`)
    await expect(copy(again, sqliteSource(path), { mode: 'existing' })).rejects.toThrow(
      'The target table “User” (1 row) already has rows',
    )
    // Creating tables that exist is refused too.
    await expect(copy(again, sqliteSource(path), { mode: 'create' })).rejects.toThrow(
      'The target already has tables “Post”, “User”',
    )
  })
})

describe('copying PostgreSQL into PostgreSQL', () => {
  it('moves rows through binary COPY with keys, identities, indexes and foreign keys; tables without a key whole', async () => {
    const from = await freshTarget('copy_pg_source')
    await from.client.query(`
      CREATE TYPE mood AS ENUM ('happy', 'sad');
      CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, feeling mood, joined timestamptz DEFAULT now(), balance numeric(12, 2), tags text[], doc jsonb);
      CREATE TABLE orders (id serial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE, total double precision CHECK (total >= 0));
      CREATE INDEX orders_customer_idx ON orders (customer_id);
      CREATE TABLE audit (at timestamptz, what text);
      CREATE TABLE regions (code text, zone int, PRIMARY KEY (code, zone));
      INSERT INTO customers (name, feeling, balance, tags, doc) SELECT 'c' || g, CASE WHEN g % 2 = 0 THEN 'happy'::mood END, g * 1.25, ARRAY['a', 'b' || g], jsonb_build_object('n', g) FROM generate_series(1, 1000) g;
      INSERT INTO orders (customer_id, total) SELECT 1 + g % 1000, g / 3.0 FROM generate_series(1, 3000) g;
      INSERT INTO audit SELECT now(), 'event ' || g FROM generate_series(1, 500) g;
      INSERT INTO regions SELECT 'r' || (g % 10), g FROM generate_series(1, 200) g;
    `)
    const to = await freshTarget('copy_pg_target')
    const { summary } = await copy(to, postgresSource(from.target), { chunkRows: 400, jobs: 2 })
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.warnings).toEqual(['Types: the enum mood is recreated.'])
    for (const table of ['customers', 'orders', 'audit', 'regions']) {
      const dump = `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h, count(*)::int AS n FROM ${table} t`
      expect((await to.client.query(dump)).rows).toEqual((await from.client.query(dump)).rows)
    }
    expect((await to.client.query(`INSERT INTO customers (name) VALUES ('next') RETURNING id`)).rows).toEqual([
      { id: '1001' },
    ])
    await expect(to.client.query(`INSERT INTO orders (customer_id, total) VALUES (99999, 1)`)).rejects.toThrow(
      /foreign key/,
    )
    await expect(to.client.query(`INSERT INTO orders (customer_id, total) VALUES (1, -1)`)).rejects.toThrow(
      /check constraint/,
    )
    expect(
      (await to.client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY 1`)).rows,
    ).toEqual([{ indexname: 'orders_customer_idx' }, { indexname: 'orders_pkey' }])
  })

  it('creates the indexes and foreign keys of a source schema on the tables of a different target schema', async () => {
    const from = await freshTarget('copy_pg_schema_source')
    await from.client.query(`
      CREATE SCHEMA src;
      CREATE TABLE src.customers (id bigint PRIMARY KEY, name text NOT NULL);
      CREATE TABLE src."Orders" (id bigint PRIMARY KEY, customer_id bigint REFERENCES src.customers (id) ON DELETE CASCADE, placed date, note text);
      CREATE INDEX orders_customer_idx ON src."Orders" (customer_id, placed DESC NULLS LAST);
      CREATE UNIQUE INDEX "Orders by note" ON src."Orders" USING btree (lower(note)) INCLUDE (placed) WHERE note IS NOT NULL;
      CREATE TABLE src.events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE src.events_2024 PARTITION OF src.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE INDEX events_at_idx ON src.events USING brin (at);
      INSERT INTO src.events SELECT g, date '2024-01-01' + g FROM generate_series(1, 30) g;
      INSERT INTO src.customers SELECT g, 'c' || g FROM generate_series(1, 20) g;
      INSERT INTO src."Orders" SELECT g, 1 + g % 20, date '2024-01-01' + g, 'n' || g FROM generate_series(1, 100) g;
    `)
    const to = await freshTarget('copy_pg_schema_target')
    await to.client.query('CREATE SCHEMA dst')
    const { summary } = await copy(to, postgresSource(from.target, { schema: 'src' }), { schema: 'dst' })
    expect(summary.status).toBe('SUCCEEDED')
    const indexes = `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname`
    expect((await to.client.query(indexes, ['dst'])).rows).toEqual([
      {
        tablename: 'Orders',
        indexdef:
          'CREATE UNIQUE INDEX "Orders by note" ON dst."Orders" USING btree (lower(note)) INCLUDE (placed) WHERE (note IS NOT NULL)',
      },
      { tablename: 'Orders', indexdef: 'CREATE UNIQUE INDEX "Orders_pkey" ON dst."Orders" USING btree (id)' },
      {
        tablename: 'Orders',
        indexdef: 'CREATE INDEX orders_customer_idx ON dst."Orders" USING btree (customer_id, placed DESC NULLS LAST)',
      },
      { tablename: 'customers', indexdef: 'CREATE UNIQUE INDEX customers_pkey ON dst.customers USING btree (id)' },
      { tablename: 'events', indexdef: 'CREATE INDEX events_at_idx ON dst.events USING brin (at)' },
      { tablename: 'events', indexdef: 'CREATE UNIQUE INDEX events_pkey ON dst.events USING btree (id, at)' },
    ])
    const references = `SELECT conrelid::regclass::text AS "table", confrelid::regclass::text AS "references" FROM pg_constraint WHERE contype = 'f' AND connamespace = 'dst'::regnamespace`
    expect((await to.client.query(references)).rows).toEqual([{ table: 'dst."Orders"', references: 'dst.customers' }])
    await expect(to.client.query(`INSERT INTO dst."Orders" (id, customer_id) VALUES (1000, 99)`)).rejects.toThrow(
      /foreign key/,
    )
  })
})
