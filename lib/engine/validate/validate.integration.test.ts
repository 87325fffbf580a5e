import { describe, expect, it } from 'vitest'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runCopy } from '@/lib/engine/copy/engine'
import { postgresSource } from '@/lib/engine/copy/postgres-source'
import { sqliteSource } from '@/lib/engine/copy/sqlite-source'
import { pgFloatText } from './canonical'
import { hashTextExtended } from './pg-hash'
import { runValidation } from './engine'
import type { Filter, Scope, ValidationOptions, ValidationSide } from './model'
import { postgresSide } from './postgres-side'
import { sqliteSide } from './sqlite-side'

// The validation engine against a real PostgreSQL: data copied from SQLite (and from PostgreSQL) is
// validated, then changed on the target in known ways – exactly those rows must be reported, with the
// right kind and columns, and equal data printed differently must never be.

const { fresh: freshDatabase, sqliteFile } = targetDatabases('validate')

async function copySqlite(path: string, to: TestDatabase) {
  const summary = await runCopy({
    copyId: 'test',
    session: to.client,
    target: to.target,
    source: sqliteSource(path),
    mode: 'create',
    onRejects: async () => undefined,
  })
  expect(summary.status).toBe('SUCCEEDED')
  return summary
}

async function validate(source: ValidationSide, to: TestDatabase, options: ValidationOptions = {}) {
  const target = postgresSide(to.target)
  try {
    return await runValidation(source, target, options)
  } finally {
    await Promise.all([source.close(), target.close()])
  }
}

describe('validating SQLite → PostgreSQL', () => {
  it('reports nothing for equal data that SQLite and PostgreSQL print differently: floats, booleans, instants, big integers, decimals, bytes, JSON, UUIDs', async () => {
    const floats = [
      0.1 + 0.2,
      1e21,
      1e-7,
      5e-324,
      1.7976931348623157e308,
      123456789012345680,
      1e15,
      1e14,
      0.0001,
      0.00001,
      12,
      -2.5,
      1 / 3,
    ]
    const path = sqliteFile(
      'printed.db',
      `CREATE TABLE "Sample" (id INTEGER PRIMARY KEY, ratio REAL, flag BOOLEAN, word BOOLEAN, iso DATETIME, big INTEGER, price DECIMAL(10,3), picture BLOB, doc JSON, ref UUID, label TEXT, day DATE);
       CREATE TABLE "Stamp" (id INTEGER PRIMARY KEY, seconds DATETIME, millis DATETIME);
       CREATE TABLE "Code" (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;`,
      (db) => {
        const insert = db.prepare('INSERT INTO "Sample" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        floats.forEach((f, i) =>
          insert.run(
            i + 1,
            f,
            i % 2,
            i % 2 ? 'true' : 'false',
            `2024-02-${String(10 + i).padStart(2, '0')} 13:45:0${i % 10}`,
            9007199254740993n + BigInt(i),
            '12.5',
            Buffer.from([0, i, 255]),
            `{"b": ${i}, "a": [1, 2], "ü": "x"}`,
            'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
            i % 3 ? `tab\there ${i}` : null,
            '2024-02-29',
          ),
        )
        insert.run(100, null, null, null, null, null, null, null, null, null, '', null)
        const stamp = db.prepare('INSERT INTO "Stamp" VALUES (?, ?, ?)')
        for (let i = 1; i <= 50; i++) stamp.run(i, 1709214300 + i, 1709214300123 + i)
        const code = db.prepare('INSERT INTO "Code" VALUES (?, ?)')
        for (let i = 0; i < 300; i++) code.run(`c-${i}`, `Name ${i}`)
      },
    )
    const to = await freshDatabase('validate_printed')
    await copySqlite(path, to)
    const report = await validate(sqliteSide(path), to)
    expect(report.tables.map((t) => [t.table, t.state, t.missing + t.extra + t.changed])).toEqual([
      ['Code', 'VALIDATED', 0],
      ['Sample', 'VALIDATED', 0],
      ['Stamp', 'VALIDATED', 0],
    ])
    expect(report.tables.find((t) => t.table === 'Code')?.method).toBe('key-hash')
    expect(report.status).toBe('PASSED')

    // The JavaScript side's double text is PostgreSQL's own.
    const { rows } = await to.client.query<{ t: string }>(
      `SELECT (x + 0)::text AS t FROM unnest($1::float8[]) WITH ORDINALITY u(x, i) ORDER BY i`,
      [floats],
    )
    expect(floats.map(pgFloatText)).toEqual(rows.map((r) => r.t))

    // A changed instant, float and boolean are reported, with both values.
    await to.client.query(
      `UPDATE "Sample" SET ratio = ratio + 1e-9, flag = NOT flag WHERE id = 3; UPDATE "Stamp" SET millis = millis + interval '1 millisecond' WHERE id = 7; UPDATE "Code" SET name = 'Renamed' WHERE code = 'c-42'`,
    )
    const changed = await validate(sqliteSide(path), to)
    const sample = changed.tables.find((t) => t.table === 'Sample')
    expect(sample?.samples).toEqual([
      {
        kind: 'changed',
        key: '3',
        columns: [
          expect.objectContaining({ column: 'ratio', source: '1e-07' }),
          { column: 'flag', source: 'f', target: 't' },
        ],
      },
    ])
    expect(changed.tables.find((t) => t.table === 'Stamp')?.samples).toEqual([
      {
        kind: 'changed',
        key: '7',
        columns: [{ column: 'millis', source: '2024-02-29 13:45:00.13+00', target: '2024-02-29 13:45:00.131+00' }],
      },
    ])
    expect(changed.tables.find((t) => t.table === 'Code')?.samples).toEqual([
      { kind: 'changed', key: 'c-42', columns: [{ column: 'name', source: 'Name 42', target: 'Renamed' }] },
    ])
    expect(changed.status).toBe('FAILED')
  })

  it('finds exactly one changed, one deleted and one extra row among 100,000', async () => {
    const path = sqliteFile(
      'large.db',
      `CREATE TABLE items (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, score REAL, active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, note TEXT)`,
      (db) => {
        const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)')
        db.transaction(() => {
          for (let i = 1; i <= 100_000; i++)
            insert.run(
              i,
              `user${i}@example.com`,
              ((i * 7919) % 1000) / 10,
              i % 2,
              new Date(1_700_000_000_000 + i * 1000).toISOString(),
              i % 3 ? `note ${i}` : null,
            )
        })()
      },
    )
    const to = await freshDatabase('validate_large')
    await copySqlite(path, to)
    expect((await validate(sqliteSide(path), to)).tables[0]?.state).toBe('VALIDATED')

    await to.client.query(
      `UPDATE items SET email = 'changed@example.com' WHERE id = 4242; DELETE FROM items WHERE id = 50000; INSERT INTO items VALUES (100001, 'extra@example.com', 1, true, now(), null)`,
    )
    const report = await validate(sqliteSide(path), to)
    const items = report.tables[0]
    expect(items).toMatchObject({
      table: 'items',
      state: 'MISMATCHED',
      method: 'key-ranges',
      sourceRows: 100_000,
      targetRows: 100_000,
      missing: 1,
      extra: 1,
      changed: 1,
      suspended: false,
    })
    expect(items?.samples.map((s) => [s.kind, s.key])).toEqual([
      ['changed', '4242'],
      ['missing', '50000'],
      ['extra', '100001'],
    ])
    expect(items?.samples[0]?.columns).toEqual([
      { column: 'email', source: 'user4242@example.com', target: 'changed@example.com' },
    ])
    expect(items?.samples[1]?.columns.find((c) => c.column === 'email')).toEqual({
      column: 'email',
      source: 'user50000@example.com',
      target: null,
    })
    expect(report.status).toBe('FAILED')

    // A table is suspended after too many differences, and says so.
    await to.client.query(`UPDATE items SET note = 'x' WHERE id <= 300`)
    const suspended = await validate(sqliteSide(path), to, { maxDifferences: 50, maxSamples: 5 })
    expect(suspended.tables[0]).toMatchObject({ state: 'MISMATCHED', suspended: true })
    expect(suspended.tables[0]?.samples).toHaveLength(5)
    const { changed = 0, missing = 0, extra = 0 } = suspended.tables[0] ?? {}
    expect(changed + missing + extra).toBe(50)
  })

  it('finds orphaned rows – foreign keys added NOT VALID by the copy, and relations only the source declares – and broken NOT NULL and unique rules', async () => {
    const path = sqliteFile(
      'family.db',
      `PRAGMA foreign_keys = OFF;
       CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
       CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), label TEXT);
       CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES parent);
       INSERT INTO parent VALUES (1, 'one'), (2, 'two');
       INSERT INTO child VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 99, 'orphan from the start');
       INSERT INTO pet VALUES (1, 1), (2, 2);`,
    )
    const to = await freshDatabase('validate_family')
    await copySqlite(path, to)
    // The relation pet → parent is dropped on the target, then an orphan appears; the name loses its unique and NOT NULL rules.
    await to.client.query(`ALTER TABLE pet DROP CONSTRAINT pet_owner_id_fkey; INSERT INTO pet VALUES (3, 7);
       ALTER TABLE parent DROP CONSTRAINT parent_name_key; ALTER TABLE parent ALTER COLUMN name DROP NOT NULL`)
    const clean = await validate(sqliteSide(path), to, { tables: ['parent', 'child'] })
    expect(clean.integrity).toEqual([
      {
        kind: 'orphan',
        table: 'child',
        columns: ['parent_id'],
        references: { table: 'parent', columns: ['id'] },
        origin: 'target',
        count: 1,
        samples: ['3 → 99'],
      },
    ])
    expect(clean.status).toBe('FAILED')

    await to.client.query(`INSERT INTO parent VALUES (3, 'one'), (4, null)`)
    const report = await validate(sqliteSide(path), to)
    expect(report.integrity).toEqual(
      expect.arrayContaining([
        {
          kind: 'orphan',
          table: 'pet',
          columns: ['owner_id'],
          references: { table: 'parent', columns: ['id'] },
          origin: 'source',
          count: 1,
          samples: ['3 → 7'],
        },
        { kind: 'not-null', table: 'parent', columns: ['name'], origin: 'source', count: 1, samples: ['4'] },
        { kind: 'unique', table: 'parent', columns: ['name'], origin: 'source', count: 1, samples: ['one (2 rows)'] },
      ]),
    )
    expect(report.tables.find((t) => t.table === 'parent')).toMatchObject({ state: 'MISMATCHED', extra: 2 })
  })

  it('splits the scan of a large table by its hidden rowid even when a column of its own is called rowid', async () => {
    // The column rowid holds values no hidden rowid has: ranges taken from it would read no rows at all.
    const path = sqliteFile(
      'rowid-column.db',
      `CREATE TABLE ledger (code TEXT PRIMARY KEY, rowid INTEGER NOT NULL, amount REAL)`,
      (db) => {
        const insert = db.prepare('INSERT INTO ledger VALUES (?, ?, ?)')
        db.transaction(() => {
          for (let i = 1; i <= 25_000; i++) insert.run(`L-${i}`, -i, i / 4)
        })()
      },
    )
    const to = await freshDatabase('validate_rowid_column')
    await copySqlite(path, to)
    const equal = await validate(sqliteSide(path), to)
    expect(equal.tables[0]).toMatchObject({
      table: 'ledger',
      state: 'VALIDATED',
      sourceRows: 25_000,
      targetRows: 25_000,
      missing: 0,
      extra: 0,
      changed: 0,
      suspended: false,
    })

    await to.client.query(`UPDATE ledger SET amount = 0 WHERE code = 'L-24000'`)
    const changed = await validate(sqliteSide(path), to)
    expect(changed.tables[0]?.samples).toEqual([
      { kind: 'changed', key: 'L-24000', columns: [{ column: 'amount', source: '6000', target: '0' }] },
    ])
  })

  it('never calls a table equal while its checksums differ, even when no row is found to differ one by one', async () => {
    const path = sqliteFile('unexplained.db', `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)`, (db) => {
      const insert = db.prepare('INSERT INTO items VALUES (?, ?)')
      for (let i = 1; i <= 2_000; i++) insert.run(i, `item ${i}`)
    })
    const to = await freshDatabase('validate_unexplained')
    await copySqlite(path, to)
    await to.client.query(`UPDATE items SET name = 'changed' WHERE id = 1234`)
    // A row fetch that disagrees with its own side's checksums (as one reading the wrong rows would): the
    // target answers with the source's rows, so comparing rows one by one finds nothing.
    const source = sqliteSide(path)
    let sourceScope: Scope | undefined
    const watched: ValidationSide = {
      ...source,
      rows: (scope, filter, limit) => source.rows((sourceScope = scope), filter, limit),
    }
    const target = postgresSide(to.target)
    const blind = {
      ...target,
      rows: (_scope: Scope, filter: Filter, limit: number) => source.rows(sourceScope as Scope, filter, limit),
    }
    try {
      const report = await runValidation(watched, blind)
      expect(report.tables[0]).toMatchObject({ table: 'items', state: 'MISMATCHED', missing: 0, extra: 0, changed: 0 })
      expect(report.tables[0]?.notes.join(' ')).toMatch(/checksums differ, but no row differs/)
      expect(report.status).toBe('FAILED')
    } finally {
      await Promise.all([source.close(), target.close()])
    }
  })

  it('validates a table without a primary key by count and whole-table checksum, and says so', async () => {
    const path = sqliteFile(
      'nokey.db',
      `CREATE TABLE log (at TEXT, line TEXT); INSERT INTO log VALUES ('a', 'one'), ('b', 'two'), ('b', 'two');`,
    )
    const to = await freshDatabase('validate_nokey')
    await copySqlite(path, to)
    const equal = await validate(sqliteSide(path), to)
    expect(equal.tables[0]).toMatchObject({
      state: 'NO_PRIMARY_KEY',
      method: 'whole-table',
      sourceRows: 3,
      targetRows: 3,
    })
    expect(equal.tables[0]?.notes.join(' ')).toMatch(
      /no primary key: compared by row count and whole-table checksum – equal/,
    )
    expect(equal.status).toBe('PASSED')
    await to.client.query(`UPDATE log SET line = 'TWO' WHERE ctid = (SELECT ctid FROM log WHERE at = 'b' LIMIT 1)`)
    const differs = await validate(sqliteSide(path), to)
    expect(differs.tables[0]).toMatchObject({ state: 'MISMATCHED', sourceRows: 3, targetRows: 3 })
    expect(differs.status).toBe('FAILED')
  })

  it('runs custom rules: violations counted with samples, warnings that do not fail, and queries that are not one SELECT refused', async () => {
    const path = sqliteFile(
      'rules.db',
      `CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT, balance REAL); INSERT INTO account VALUES (1, 'a@example.com', 10), (2, 'not-an-email', -5), (3, 'c@example.com', -1);`,
    )
    const to = await freshDatabase('validate_rules')
    await copySqlite(path, to)
    const report = await validate(sqliteSide(path), to, {
      rules: [
        {
          name: 'emails have an @',
          sql: `SELECT id, email FROM account WHERE email NOT LIKE '%@%';`,
          severity: 'error',
          action: 'fail',
        },
        {
          name: 'no negative balances',
          sql: 'SELECT id FROM account WHERE balance < 0 ORDER BY id',
          severity: 'warning',
          action: 'warn',
        },
        { name: 'sneaky', sql: 'SELECT 1; DROP TABLE account', severity: 'error', action: 'fail' },
        { name: 'writes', sql: 'DELETE FROM account', severity: 'error', action: 'fail' },
      ],
    })
    expect(report.rules).toEqual([
      {
        name: 'emails have an @',
        severity: 'error',
        action: 'fail',
        violations: 1,
        samples: [{ id: '2', email: 'not-an-email' }],
        passed: false,
      },
      {
        name: 'no negative balances',
        severity: 'warning',
        action: 'warn',
        violations: 2,
        samples: [{ id: '2' }, { id: '3' }],
        passed: false,
      },
      expect.objectContaining({
        name: 'sneaky',
        passed: false,
        error: expect.stringMatching(/one SELECT query.*2 statements/),
      }),
      expect.objectContaining({ name: 'writes', passed: false, error: expect.stringMatching(/not a SELECT/) }),
    ])
    expect(report.warnings).toEqual(['Rule “no negative balances”: 2 violating rows.'])
    expect((await to.client.query('SELECT count(*)::int AS n FROM account')).rows[0]?.n).toBe(3)
  })
})

describe('row hashes', () => {
  it('are PostgreSQL’s own hashtextextended, computed in JavaScript: every length around the 12-byte blocks, Unicode, the separators', async () => {
    const db = await freshDatabase('validate_hash')
    const texts = [
      '',
      ...Array.from({ length: 40 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789ABCD'.slice(0, i + 1)),
      'ü',
      'José Müller — 😀 日本語',
      `42${'\u001f'}x${'\u001e'}`,
      'x'.repeat(5000),
    ]
    const { rows } = await db.client.query<{ hi: number; lo: string }>(
      `SELECT (h >> 32)::int AS hi, (h & 4294967295)::text AS lo FROM unnest($1::text[]) WITH ORDINALITY u(t, i), LATERAL (SELECT hashtextextended(t, 0) AS h) x ORDER BY i`,
      [texts],
    )
    expect(texts.map((t) => hashTextExtended(t))).toEqual(rows.map((r) => [r.hi, Number(r.lo)]))
  })
})

describe('validating PostgreSQL → PostgreSQL', () => {
  it('pushes checksums into SQL on both sides and finds differences by integer key, by text key and without a key', async () => {
    const from = await freshDatabase('validate_pg_source')
    await from.client
      .query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed_at timestamptz, paid boolean, tags jsonb, extra json);
      INSERT INTO orders SELECT i, 'customer ' || (i % 97), i * 1.25, timestamptz '2024-01-01' + i * interval '1 minute', i % 2 = 0, jsonb_build_object('n', i), json_build_object('i', i) FROM generate_series(1, 30000) i;
      CREATE TABLE item (id int PRIMARY KEY, sku varchar(20), price numeric, weight real, at timestamp); INSERT INTO item SELECT i, 'sku-' || i, i / 7.0, i / 3.0, timestamp '2024-01-01' + i * interval '1 second' FROM generate_series(1, 5000) i;
      CREATE TABLE country (code text PRIMARY KEY, name text); INSERT INTO country SELECT 'c' || i, 'Country ' || i FROM generate_series(1, 500) i;
      CREATE TABLE audit (at timestamptz, line text); INSERT INTO audit SELECT timestamptz '2024-01-01' + i * interval '1 hour', 'line ' || i FROM generate_series(1, 100) i;`)
    const to = await freshDatabase('validate_pg_target')
    const copied = await runCopy({
      copyId: 'test',
      session: to.client,
      target: to.target,
      source: postgresSource(from.target),
      mode: 'create',
      onRejects: async () => undefined,
    })
    expect(copied.status).toBe('SUCCEEDED')
    const equal = await validate(postgresSide(from.target), to)
    expect(equal.tables.map((t) => [t.table, t.state, t.method])).toEqual([
      ['audit', 'NO_PRIMARY_KEY', 'whole-table'],
      ['country', 'VALIDATED', 'key-hash'],
      ['item', 'VALIDATED', 'key-ranges'],
      ['orders', 'VALIDATED', 'key-ranges'],
    ])
    // Native row hashes see a changed real, timestamp and varchar as surely as text does.
    await to.client.query(
      `UPDATE item SET weight = weight + 0.5 WHERE id = 10; UPDATE item SET at = at + interval '1 microsecond' WHERE id = 20; UPDATE item SET sku = 'SKU-30' WHERE id = 30`,
    )
    const items = await validate(postgresSide(from.target), to, { tables: ['item'] })
    expect(items.tables[0]?.samples.map((d) => [d.key, d.columns.map((c) => c.column)])).toEqual([
      ['10', ['weight']],
      ['20', ['at']],
      ['30', ['sku']],
    ])

    await to.client.query(
      `UPDATE orders SET total = total + 0.01 WHERE id = 12345; DELETE FROM country WHERE code = 'c77'; INSERT INTO country VALUES ('zz', 'Extra')`,
    )
    const report = await validate(postgresSide(from.target), to, { tables: ['orders', 'country'] })
    expect(report.tables.find((t) => t.table === 'orders')?.samples).toEqual([
      { kind: 'changed', key: '12345', columns: [{ column: 'total', source: '15431.25', target: '15431.26' }] },
    ])
    expect(
      report.tables
        .find((t) => t.table === 'country')
        ?.samples.map((s) => [s.kind, s.key])
        .sort(),
    ).toEqual([
      ['extra', 'zz'],
      ['missing', 'c77'],
    ])
  })
})
