import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { targetDatabases, type TestDatabase } from '@/lib/testing/target-databases'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { sqliteSide } from '@/lib/engine/validate/sqlite-side'
import { runCopy, type CopyOptions } from './engine'
import type { CopySummary, RejectedRow } from './model'
import { sqliteSource } from './sqlite-source'
import { interruptedAt } from '@/lib/testing/interrupted-source'

// The corpus of real-world SQLite shapes (fixtures/real-shapes/*.sql, each reproducing what public sample
// databases and pgloader's test files hold): each is copied with an interruption on the way, resumed,
// copied again (nothing to do) and validated – exactly equal, or, where rows could not be copied, failing
// with those rows named.

const { fresh, sqliteFile } = targetDatabases('real-shapes')
const FIXTURES = join(import.meta.dirname, 'fixtures', 'real-shapes')

type Outcome = { path: string; t: TestDatabase; summary: CopySummary; rejects: RejectedRow[] }

/** Copies the fixture, cancelled at its second chunk, then resumed; then once more (a no-op). */
async function copyFixture(name: string): Promise<Outcome> {
  const path = sqliteFile(`${name}.db`, readFileSync(join(FIXTURES, `${name}.sql`), 'utf8'))
  const t = await fresh(`shape_${name.replace(/-/g, '_')}`)
  const rejects: RejectedRow[] = []
  const options = (source: CopyOptions['source'], signal?: AbortSignal): CopyOptions => ({
    copyId: 'shape',
    session: t.client,
    target: t.target,
    source,
    mode: 'create',
    chunkRows: 100,
    jobs: 2,
    maxRejectedRows: null,
    signal,
    onRejects: async (r) => void rejects.push(...r),
  })

  const controller = new AbortController()
  const source = sqliteSource(path)
  const interrupted = interruptedAt(source, 2, controller)
  const first = await runCopy(options(interrupted, controller.signal))
  await source.close()
  expect(first.status).toBe('CANCELLED')

  rejects.length = 0 // a resumed chunk reports its rejects again
  const resumed = sqliteSource(path)
  const summary = await runCopy(options(resumed))
  await resumed.close()
  expect(summary.status, summary.error).toBe('SUCCEEDED')

  const again = sqliteSource(path)
  expect((await runCopy(options(again))).status).toBe('ALREADY_COPIED')
  await again.close()
  return { path, t, summary, rejects }
}

async function validate(path: string, t: TestDatabase) {
  const source = sqliteSide(path)
  const target = postgresSide(t.target)
  try {
    return await runValidation(source, target, {})
  } finally {
    await Promise.all([source.close(), target.close()])
  }
}

async function expectExactCopy(path: string, t: TestDatabase) {
  const report = await validate(path, t)
  expect(
    report.tables.filter((r) => !['VALIDATED', 'NO_PRIMARY_KEY'].includes(r.state)),
    JSON.stringify(report.tables),
  ).toEqual([])
  expect(report.status).toBe('PASSED')
  for (const r of report.tables) expect(r.targetRows, r.table).toBe(r.sourceRows)
}

const defaultOf = async (t: TestDatabase, table: string, column: string) =>
  (
    await t.client.query<{ d: string | null }>(
      `SELECT column_default AS d FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
      [table, column],
    )
  ).rows[0]?.d ?? null

describe('the real-shapes corpus: SQLite → PostgreSQL', () => {
  it('defaults that do not fit their column are left out with a warning naming table and column; those that fit are kept and work', async () => {
    const { path, t, summary, rejects } = await copyFixture('defaults')
    expect(rejects).toEqual([])
    const warnings = summary.warnings.join('\n')
    expect(warnings).toMatch(
      /stamps\.StartTime: the default 0 is a number, which is not a timestamptz value; the column has no default/,
    )
    expect(warnings).toMatch(/typenames\.is_public: the default '"0"' does not fit: “"0"” is not a whole number/)
    expect(warnings).toMatch(/datetime_default\.foo: the default .*'localtime'.* shifts the clock/)
    expect(await defaultOf(t, 'stamps', 'StartTime')).toBeNull()
    expect(await defaultOf(t, 'appointments', 'time')).toBe('CURRENT_TIMESTAMP')
    expect(await defaultOf(t, 'datetime_default', 'bar')).toBe('CURRENT_TIMESTAMP')
    expect(await defaultOf(t, 'ints', 'a')).toBe("'0'::smallint")
    await expectExactCopy(path, t)
    const inserted = await t.client.query(
      `INSERT INTO def (f2) VALUES ('z') RETURNING f1, flag, epoch > 1700000000 AS recent, id`,
    )
    expect(inserted.rows[0]).toEqual({ f1: '', flag: true, recent: true, id: '3' })
    await t.client.query(`INSERT INTO currentdate (id) VALUES (2)`)
    const made = await t.client.query(
      `SELECT made ~ '^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$' AS sqlite_format, my_value IS NOT NULL AS dated FROM currentdate WHERE id = 2`,
    )
    expect(made.rows[0]).toEqual({ sqlite_format: true, dated: true })
  }, 120_000)

  it('NULLs in a primary key SQLite allowed are rejected rows, named with the reason; the key is created without them and validation reports them missing', async () => {
    const { path, t, summary, rejects } = await copyFixture('null-keys')
    expect(summary.tables.map((s) => [s.table, s.written, s.rejected])).toEqual([
      ['codes', 400, 2],
      ['pairs', 300, 2],
    ])
    expect(rejects.map((r) => [r.table, r.column])).toEqual(
      expect.arrayContaining([
        ['codes', 'code'],
        ['codes', 'code'],
        ['pairs', 'a'],
        ['pairs', 'b'],
      ]),
    )
    for (const r of rejects)
      expect(r.reason).toMatch(
        /^NULL in the primary key column (code|a|b): SQLite allows it .* PostgreSQL does not; the row is not copied and the key is created without it$/,
      )
    const keys = await t.client.query(
      `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text IN ('codes', 'pairs') ORDER BY 1`,
    )
    expect(keys.rows.map((r) => r.t)).toEqual(['codes', 'pairs'])
    const report = await validate(path, t)
    expect(report.status).toBe('FAILED')
    expect(report.tables.find((r) => r.table === 'codes')).toMatchObject({ sourceRows: 402, targetRows: 400 })

    // With the default limit of 0 rejected rows, the copy fails and says which table, column and why.
    const strict = await fresh('shape_null_keys_strict')
    const source = sqliteSource(path)
    const failed = await runCopy({
      copyId: 'strict',
      session: strict.client,
      target: strict.target,
      source,
      mode: 'create',
      maxRejectedRows: 0,
      onRejects: async () => undefined,
    })
    await source.close()
    expect(failed.status).toBe('FAILED')
    expect(failed.error).toMatch(
      /more than the limit of 0\. Most rejected: (codes\.code|pairs\.[ab]) \(\d+; e\.g\. NULL in the primary key column/,
    )
  }, 120_000)

  it('names equal after 63 bytes are shortened uniquely with a warning, keys and foreign keys follow them, and validation maps them', async () => {
    const { path, t, summary } = await copyFixture('long-names')
    const warnings = summary.warnings.join('\n')
    expect(warnings).toMatch(
      /products\.col_very_long_name_that_exceeds_postgresql_identifier_limit_aaax: the name .* is longer than PostgreSQL's 63 bytes; created as “col_very_long_name_that_exceeds_postgresql_identifier_[0-9a-f]{8}”/,
    )
    expect(warnings).toMatch(/table inventory_movements_recorded_by_the_warehouse_management_system_v1: the name/)
    const columns = await t.client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'products' ORDER BY ordinal_position`,
    )
    expect(new Set(columns.rows.map((r) => r.column_name)).size).toBe(4)
    const fks = await t.client.query(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'lockstep%'`,
    )
    expect(fks.rows[0].n).toBe(1)
    await expectExactCopy(path, t)
  }, 120_000)

  it('CHECK constraints, views and indexes that translate are created; the rest – and triggers – are listed as not copied with the reason', async () => {
    const { path, t, summary } = await copyFixture('objects')
    expect(summary.notCopied).toEqual(
      expect.arrayContaining([
        {
          table: 'Products',
          object: 'CHECK constraint price_is_real',
          reason: "uses SQLite's typeof(), which PostgreSQL does not have",
        },
        {
          table: null,
          object: 'view ProductsByYear',
          reason: "uses SQLite's strftime(), which PostgreSQL does not have",
        },
        { table: 'Products', object: 'trigger products_touch', reason: expect.stringContaining('not translated') },
      ]),
    )
    expect(summary.notCopied).toHaveLength(3)
    const views = await t.client.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'public'`)
    expect(views.rows.map((r) => r.table_name).sort()).toEqual([
      'NamedLikeA',
      'Product Details',
      'ProductsAboveAveragePrice',
    ])
    const sqlite = new Database(path, { readonly: true })
    for (const view of ['Product Details', 'ProductsAboveAveragePrice', 'NamedLikeA']) {
      const expected = (sqlite.prepare(`SELECT count(*) FROM "${view}"`).pluck().get() as number) ?? -1
      const actual = await t.client.query(`SELECT count(*)::int AS n FROM "${view}"`)
      expect(actual.rows[0].n, view).toBe(expected)
    }
    sqlite.close()
    const checks = await t.client.query(
      `SELECT conrelid::regclass::text AS t, count(*)::int AS n FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace GROUP BY 1 ORDER BY 1`,
    )
    expect(checks.rows).toEqual([
      { t: '"Categories"', n: 1 },
      { t: '"Products"', n: 2 },
    ])
    await expect(
      t.client.query(`INSERT INTO "Products" ("ProductName", "UnitPrice") VALUES ('cheap', -1)`),
    ).rejects.toThrow(/check constraint/)
    const indexes = await t.client.query(
      `SELECT indexname FROM pg_indexes WHERE indexname IN ('live_products', 'product_name_lower') ORDER BY 1`,
    )
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['live_products', 'product_name_lower'])
    await expectExactCopy(path, t)
  }, 120_000)

  it('datetimes: what the copy assumed is said per column, and microseconds stay microseconds', async () => {
    const { path, t, summary } = await copyFixture('datetimes')
    const warnings = (summary.notes ?? []).join('\n')
    expect(warnings).toMatch(/Invoice\.InvoiceDate: read as ISO 8601 text; a value without a time zone is taken as UTC/)
    expect(warnings).toMatch(/events\.at_seconds: numbers read as Unix time in seconds \(UTC\)/)
    expect(warnings).toMatch(/events\.at_millis: numbers read as Unix time in milliseconds \(UTC\)/)
    await t.client.query(`SET TIME ZONE 'UTC'`)
    const row = await t.client.query(`SELECT at_text::text, at_seconds::text, at_millis::text FROM events WHERE id = 1`)
    expect(row.rows[0]).toEqual({
      at_text: '2024-03-01 06:00:00.123456+00',
      at_seconds: '2023-11-14 22:13:21.123456+00',
      at_millis: '2023-11-14 22:13:20.001+00',
    })
    await expectExactCopy(path, t)
  }, 120_000)
})

describe('the real-shapes corpus: virtual tables', () => {
  it('copies a virtual table’s rows into a plain table with a warning, and lists its internal tables as not copied', async () => {
    const { path, t, summary } = await copyFixture('virtual-tables')
    expect(summary.tables.map((s) => [s.table, s.written])).toEqual([
      ['docs', 120],
      ['notes', 250],
      ['notes_fts', 250],
    ])
    expect(summary.warnings).toContain(
      'docs: a virtual table (fts5); its rows are copied into a plain table, the fts5 index itself is not recreated',
    )
    const skipped = (summary.notCopied ?? []).map((n) => n.object).sort()
    expect(skipped).toEqual([
      'table docs_config',
      'table docs_content',
      'table docs_data',
      'table docs_docsize',
      'table docs_idx',
      'table notes_fts_config',
      'table notes_fts_data',
      'table notes_fts_docsize',
      'table notes_fts_idx',
    ])
    expect((summary.notCopied ?? []).find((n) => n.table === 'docs_data')?.reason).toBe(
      'internal table of the virtual table docs; PostgreSQL keeps no such table',
    )
    await expectExactCopy(path, t)
  }, 120_000)
})
