import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { postgresDdl, readSqliteSchema } from './sqlite-schema'

const SQLITE = `
  CREATE TABLE "Company" (id INTEGER PRIMARY KEY AUTOINCREMENT, "displayName" VARCHAR(120) NOT NULL UNIQUE, "order" INTEGER DEFAULT 0, "is active" BOOLEAN DEFAULT 1, created DATETIME DEFAULT CURRENT_TIMESTAMP, shape GEOMETRY, note TEXT DEFAULT (lower('X')));
  CREATE TABLE "user" (id TEXT PRIMARY KEY, "companyId" INTEGER NOT NULL REFERENCES "Company"(id) ON DELETE CASCADE, email TEXT NOT NULL, score DECIMAL(5,2));
  CREATE INDEX "user_companyId_idx" ON "user" ("companyId");
  CREATE UNIQUE INDEX user_email_key ON "user" (email);
  CREATE INDEX partial_idx ON "user" (email) WHERE score > 1;
  CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
`

describe('SQLite schema → PostgreSQL DDL', () => {
  it('keeps identifiers, keys, uniques, foreign keys, indexes and translatable defaults, and warns about the rest', async () => {
    const sqlite = new Database(':memory:')
    sqlite.exec(SQLITE)
    const tables = readSqliteSchema(sqlite)
    sqlite.close()
    const company = tables.find((t) => t.name === 'Company')
    expect(company).toMatchObject({ rowidAlias: 'id', primaryKey: ['id'] })
    expect(tables.find((t) => t.name === 'pairs')).toMatchObject({
      withoutRowid: true,
      rowidAlias: null,
      primaryKey: ['a', 'b'],
    })

    const ddl = postgresDdl(tables)
    expect(ddl.warnings).toEqual([
      'Company.shape: unknown type “GEOMETRY”; copied as text',
      "Company.note: the default lower('X') is an expression PostgreSQL has no equivalent for; the column has no default on the target",
    ])
    expect(ddl.notCopied).toEqual([
      { table: 'user', object: 'index partial_idx', reason: 'partial or on an expression' },
    ])
    const url = await createFreshDatabase('copy_ddl', { migrate: false })
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      for (const sql of ddl.beforeLoad) await client.query(sql)
      await client.query(`INSERT INTO "Company" (id, "displayName") VALUES (7, 'Acme')`)
      for (const statement of ddl.afterLoad) await client.query(statement.sql)
      // The identity goes on after the copied ids; defaults translated.
      const { rows } = await client.query(
        `INSERT INTO "Company" ("displayName") VALUES ('Next') RETURNING id, "order", "is active", created IS NOT NULL AS stamped`,
      )
      expect(rows).toEqual([{ id: '8', order: '0', 'is active': true, stamped: true }])
      const columns = await client.query(
        `SELECT table_name, column_name, data_type, character_maximum_length AS len FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
      )
      expect(columns.rows).toContainEqual({
        table_name: 'Company',
        column_name: 'displayName',
        data_type: 'character varying',
        len: 120,
      })
      expect(columns.rows).toContainEqual({ table_name: 'user', column_name: 'score', data_type: 'numeric', len: null })
      const constraints = await client.query(
        `SELECT conrelid::regclass::text AS t, contype FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
      )
      expect(constraints.rows).toEqual([
        { t: '"Company"', contype: 'p' },
        { t: '"Company"', contype: 'u' },
        { t: '"user"', contype: 'f' },
        { t: '"user"', contype: 'p' },
        { t: 'pairs', contype: 'p' },
      ])
      const indexes = await client.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname IN ('user_companyId_idx', 'user_email_key') ORDER BY 1`,
      )
      expect(indexes.rows).toEqual([{ indexname: 'user_companyId_idx' }, { indexname: 'user_email_key' }])
      await expect(
        client.query(`INSERT INTO "user" (id, "companyId", email) VALUES ('u1', 999, 'a@b')`),
      ).rejects.toThrow(/foreign key/)
    } finally {
      await client.end()
    }
  })
})
