import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import {
  applyMigrations,
  diffSchemas,
  listMigrationDirs,
  MIGRATIONS_DIR,
  readSnapshot,
  SCHEMA_PATH,
  SNAPSHOT_PATH,
} from './migrations'

// Everything about a schema that the data model decides, as comparable text.
const CATALOG_QUERIES = {
  columns: `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, datetime_precision
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`,
  constraints: `SELECT conrelid::regclass::text AS tbl, conname, contype, pg_get_constraintdef(oid) AS def
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`,
  enums: `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY 1 ORDER BY 1`,
}

// Partial unique indexes, which Prisma's schema cannot express: written by hand in their migration
// (20261206155723_one_active_at_a_time), so only the database built from migrations has them.
const HAND_WRITTEN_INDEXES = [
  'DriftCheck_one_open_per_connection',
  'Restore_one_active_per_connection',
  'Run_one_active_per_phase_environment',
  'Validation_one_requested_per_plan_environment',
]

async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const out: Record<string, unknown[]> = {}
    for (const [key, sql] of Object.entries(CATALOG_QUERIES)) out[key] = (await client.query(sql)).rows
    return out
  } finally {
    await client.end()
  }
}

async function execute(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe('migrations', () => {
  it('produce exactly the database the schema describes (no drift)', async () => {
    const fromMigrations = await createFreshDatabase('drift_migrations', { migrate: true })
    const fromSchema = await createFreshDatabase('drift_schema', { migrate: false })
    await execute(fromSchema, await diffSchemas(null, await readFile(SCHEMA_PATH, 'utf8'), fromSchema))
    const [a, b] = await Promise.all([catalog(fromMigrations), catalog(fromSchema)])
    expect(a.columns?.length).toBeGreaterThan(0)
    const isHandWritten = (row: unknown) => HAND_WRITTEN_INDEXES.includes((row as { indexname: string }).indexname)
    expect((a.indexes ?? []).filter(isHandWritten).map((row) => (row as { indexname: string }).indexname)).toEqual(
      HAND_WRITTEN_INDEXES,
    )
    expect({ ...a, indexes: a.indexes?.filter((row) => !isHandWritten(row)) }).toEqual(b)
  })

  it('keep the standard Prisma layout: folders of migration.sql, the lock file and the one snapshot beside them', async () => {
    const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true })
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([
      'migration_lock.toml',
      basename(SNAPSHOT_PATH),
    ])
    for (const name of await listMigrationDirs())
      expect(await readdir(join(MIGRATIONS_DIR, name))).toEqual(['migration.sql'])
  })

  it('have a migration for every schema change (the snapshot is the schema)', async () => {
    const url = await createFreshDatabase('drift_snapshot', { migrate: false })
    const sql = await diffSchemas(await readSnapshot(), await readFile(SCHEMA_PATH, 'utf8'), url)
    expect(sql.replace(/^--.*$/gm, '').trim()).toBe('')
  })

  it('record each applied migration with its checksum, as prisma migrate deploy does, and apply once', async () => {
    const url = await createFreshDatabase('drift_history', { migrate: true })
    expect(await applyMigrations(url)).toEqual([])
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    )
    await client.end()
    const names = await listMigrationDirs()
    expect(rows.map((r) => r.migration_name)).toEqual(names)
    for (const row of rows) {
      const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'))
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'))
      expect(row.finished_at).not.toBeNull()
    }
  })
})
