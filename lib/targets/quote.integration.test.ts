import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { quoteIdent } from './quote'
import { introspectSqlite } from './sqlite'

// Names come from a source's catalog and from people: whatever they hold, quoted they must name exactly
// themselves, in PostgreSQL and in SQLite alike.

const NAMES = [
  'plain',
  'MixedCase',
  'select',
  'with space',
  'dots.in.name',
  'a"b',
  '"',
  '""x""',
  'ünïcödé',
  'it\'s"; DROP TABLE victim; --',
]

describe('quoteIdent', () => {
  it('makes every name mean itself in PostgreSQL', async () => {
    const url = await createFreshDatabase('quote', { migrate: false })
    await queryDatabase(
      url,
      `CREATE TABLE victim (id int); ${NAMES.map((n) => `CREATE TABLE ${quoteIdent(n)} (${quoteIdent(`${n}!`)} int)`).join('; ')}`,
    )
    const rows = await queryDatabase<{ relname: string; attname: string }>(
      url,
      `SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> 'victim'`,
    )
    expect(rows.map((r) => [r.relname, r.attname]).sort()).toEqual(NAMES.map((n) => [n, `${n}!`]).sort())
  })

  it('makes every name mean itself in SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-quote-'))
    const db = new Database(join(dir, 'names.db'))
    db.exec(
      `CREATE TABLE victim (id int); ${NAMES.map((n) => `CREATE TABLE ${quoteIdent(n)} (${quoteIdent(`${n}!`)} int)`).join('; ')}`,
    )
    db.close()
    const tables = introspectSqlite(dir, 'names.db').tables.filter((t) => t.name !== 'victim')
    expect(tables.map((t) => [t.name, t.columns.map((c) => c.name)]).sort()).toEqual(
      NAMES.map((n) => [n, [`${n}!`]]).sort(),
    )
  })
})
