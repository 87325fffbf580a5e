import { existsSync } from 'node:fs'
import { mkdtemp, open, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { appEnv, exportEnv } from '@/lib/env'
import { targetDatabases } from '@/lib/testing/target-databases'
import { artifactPath, pruneBackups, sha256Of, takeBackup, verifyBackup } from './artifacts'
import { restorePostgres, verifyPostgresDump } from './postgres'
import { verifySqliteBackup } from './sqlite'

const dbs = targetDatabases('backup')

const SHOP = `
  CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, note text);
  CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total numeric(12,2), placed_at timestamptz, payload bytea, tags text[]);
  CREATE INDEX orders_customer_idx ON orders (customer_id);
  INSERT INTO customers SELECT g, 'Customer ' || g || ' – Zoë', CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g END FROM generate_series(1, 50) g;
  INSERT INTO orders SELECT g, 1 + g % 50, (g * 3.17)::numeric(12,2), '2026-01-01'::timestamptz + g * interval '1 hour', decode(md5(g::text), 'hex'), ARRAY['a' || g, NULL] FROM generate_series(1, 2000) g;`

// The rows themselves, in key order, as PostgreSQL writes them: compared, not counted.
const rowsOf = async (client: pg.Client, table: string) =>
  (
    await client.query<{ rows: string }>(
      `SELECT coalesce(json_agg(t ORDER BY t.id)::text, '[]') AS rows FROM ${table} t`,
    )
  ).rows[0]?.rows
const indexesOf = async (client: pg.Client) =>
  (
    await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
    )
  ).rows.map((r) => r.indexdef)

async function corrupt(path: string) {
  const { size } = await stat(path)
  const file = await open(path, 'r+')
  await file.write(Buffer.alloc(512, 0xab), 0, 512, Math.floor(size / 2))
  await file.close()
}

beforeAll(async () => {
  exportEnv({ LOCKSTEP_BACKUP_DIR: await mkdtemp(join(tmpdir(), 'lockstep-backups-')) })
})

describe('PostgreSQL backups', () => {
  it('come back after a table is dropped: the same rows and indexes, restored over the database or into a new one', async () => {
    const shop = await dbs.fresh('backup_shop')
    await shop.client.query(SHOP)
    const [customers, orders, indexes] = [
      await rowsOf(shop.client, 'customers'),
      await rowsOf(shop.client, 'orders'),
      await indexesOf(shop.client),
    ]

    const outcome = await takeBackup({
      connectionId: null,
      name: 'Shop (production)',
      engine: 'POSTGRES',
      target: shop.target,
    })
    if (!outcome.ok) throw new Error(outcome.error)
    const backup = await db.backup.findUniqueOrThrow({ where: { id: outcome.id } })
    expect(backup).toMatchObject({ status: 'VERIFIED', format: 'PG_DUMP', connectionName: 'Shop (production)' })
    expect(backup.toolVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/)
    expect(backup.serverVersion).toMatch(/^PostgreSQL \d+\.\d+/)
    // What was checked, in words: the table of contents (both tables), not a restore.
    expect(backup.verification).toMatch(/^table of contents read \(pg_restore --list\): 2 tables, \d+ entries$/)
    const path = artifactPath(backup.fileName)
    expect([Number(backup.sizeBytes), backup.sha256]).toEqual([(await stat(path)).size, await sha256Of(path)])

    await shop.client.query('DROP TABLE orders')
    await restorePostgres(shop.target, path, { clean: true })
    expect(await rowsOf(shop.client, 'orders')).toBe(orders)
    expect(await rowsOf(shop.client, 'customers')).toBe(customers)
    expect(await indexesOf(shop.client)).toEqual(indexes)

    const copy = await dbs.fresh('backup_shop_copy')
    await restorePostgres(copy.target, path)
    expect([await rowsOf(copy.client, 'customers'), await rowsOf(copy.client, 'orders')]).toEqual([customers, orders])
  })

  it('of selected tables hold only those tables', async () => {
    const shop = await dbs.fresh('backup_tables')
    await shop.client.query(SHOP)
    const outcome = await takeBackup(
      { connectionId: null, name: 'Shop', engine: 'POSTGRES', target: shop.target },
      { tables: ['customers'] },
    )
    if (!outcome.ok) throw new Error(outcome.error)
    const copy = await dbs.fresh('backup_tables_copy')
    await restorePostgres(copy.target, artifactPath(outcome.fileName))
    const tables = await copy.client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
    )
    expect(tables.rows.map((r) => r.tablename)).toEqual(['customers'])
  })

  it('fail verification once the file is corrupted, and a file that is no dump is refused', async () => {
    const shop = await dbs.fresh('backup_corrupt')
    await shop.client.query(SHOP)
    const outcome = await takeBackup({ connectionId: null, name: 'Shop', engine: 'POSTGRES', target: shop.target })
    if (!outcome.ok) throw new Error(outcome.error)
    expect(await verifyBackup(outcome.id)).toMatchObject({ ok: true })
    await corrupt(artifactPath(outcome.fileName))
    const verdict = await verifyBackup(outcome.id)
    expect(verdict).toMatchObject({
      ok: false,
      error: expect.stringMatching(/changed since it was taken: its checksum is/),
    })
    expect((await db.backup.findUniqueOrThrow({ where: { id: outcome.id } })).status).toBe('FAILED')

    const garbage = join(tmpdir(), `not-a-dump-${outcome.id}.dump`)
    await import('node:fs/promises').then((fs) => fs.writeFile(garbage, 'PGDMP but not really'))
    await expect(verifyPostgresDump(garbage)).rejects.toThrow(/pg_restore|input file/)
  })

  it('say clearly when pg_dump is not installed, and leave a failed backup behind', async () => {
    const shop = await dbs.fresh('backup_notool')
    exportEnv({ LOCKSTEP_PG_BIN: '/nonexistent/bin' })
    try {
      const outcome = await takeBackup({ connectionId: null, name: 'Shop', engine: 'POSTGRES', target: shop.target })
      expect(outcome).toMatchObject({
        ok: false,
        error: expect.stringMatching(
          /^pg_dump is not installed on the worker's machine\. Install it with: apt-get install postgresql-client-\d+/,
        ),
      })
      expect((await db.backup.findUniqueOrThrow({ where: { id: outcome.id } })).status).toBe('FAILED')
    } finally {
      exportEnv({ LOCKSTEP_PG_BIN: '' })
    }
  })
})

describe('SQLite backups', () => {
  it('are consistent copies through the online backup API, verified with integrity_check, and a corrupted one fails', async () => {
    const path = dbs.sqliteFile(
      'homes.db',
      'CREATE TABLE homes (id INTEGER PRIMARY KEY, address TEXT, price REAL)',
      (d) => {
        const insert = d.prepare('INSERT INTO homes (address, price) VALUES (?, ?)')
        d.transaction(() => {
          for (let i = 0; i < 5000; i++) insert.run(`${i} Elm Street`, i * 1000.5)
        })()
      },
    )
    const outcome = await takeBackup({ connectionId: null, name: 'HomeVerse', engine: 'SQLITE', path })
    if (!outcome.ok) throw new Error(outcome.error)
    expect(outcome.verification).toBe('integrity_check: ok (1 table)')
    const read = (file: string) => {
      const d = new Database(file, { readonly: true })
      const rows = d.prepare('SELECT * FROM homes ORDER BY id').all()
      d.close()
      return rows
    }
    expect(read(artifactPath(outcome.fileName))).toEqual(read(path))

    await corrupt(artifactPath(outcome.fileName))
    expect(await verifyBackup(outcome.id)).toMatchObject({ ok: false, error: expect.stringMatching(/checksum/) })
    // And SQLite itself finds the damage, checksum or not.
    expect(() => verifySqliteBackup(artifactPath(outcome.fileName))).toThrow(/integrity_check/)
  })
})

describe('backup errors', () => {
  it('name the backup file relative to the backup directory, never where the directory is on the server', async () => {
    const path = dbs.sqliteFile('paths.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    // The configured directory is a file: creating the day's folder in it fails in the file system.
    const notADirectory = join(await mkdtemp(join(tmpdir(), 'lockstep-backups-file-')), 'backups')
    await writeFile(notADirectory, 'not a directory')
    const configured = appEnv().LOCKSTEP_BACKUP_DIR ?? ''
    exportEnv({ LOCKSTEP_BACKUP_DIR: notADirectory })
    try {
      const outcome = await takeBackup({ connectionId: null, name: 'Paths', engine: 'SQLITE', path })
      expect(outcome).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^ENOTDIR: not a directory, mkdir '\d{4}-\d{2}-\d{2}'$/),
      })
      const row = await db.backup.findUniqueOrThrow({ where: { id: outcome.id } })
      expect(row.error).not.toContain(tmpdir())
      expect(row.error).not.toContain(notADirectory)
    } finally {
      exportEnv({ LOCKSTEP_BACKUP_DIR: configured })
    }
  })
})

describe('retention', () => {
  it('prunes the files of backups older than the retention, keeping their rows', async () => {
    const path = dbs.sqliteFile('old.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const old = await takeBackup({ connectionId: null, name: 'old', engine: 'SQLITE', path })
    const fresh = await takeBackup({ connectionId: null, name: 'fresh', engine: 'SQLITE', path })
    if (!old.ok || !fresh.ok) throw new Error('backup failed')
    await db.backup.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 30 * 86_400_000) } })
    expect(await pruneBackups()).toBeGreaterThanOrEqual(1)
    expect(existsSync(artifactPath(old.fileName))).toBe(false)
    expect(existsSync(artifactPath(fresh.fileName))).toBe(true)
    expect((await db.backup.findUniqueOrThrow({ where: { id: old.id } })).status).toBe('PRUNED')
    expect(await verifyBackup(old.id)).toMatchObject({ ok: false, error: expect.stringMatching(/pruned/) })
    expect((await readFile(artifactPath(fresh.fileName))).subarray(0, 15).toString()).toBe('SQLite format 3')
  })
})
