import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MigrationList } from '@prisma/schema-engine-wasm'
import { NO_FILTERS, withSchemaEngine } from './schema-engine'

// Found from this file, so tools work from any working directory.
export const PRISMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prisma')
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma')
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations')
const LOCKFILE = 'migration_lock.toml'
// The schema the newest migration brings the database to, so the next migration can be computed from schema
// text alone (the WebAssembly engine cannot introspect a live database). One file beside the migration folders:
// `prisma migrate deploy` and listMigrationDirs read directories only, so it is never taken for a migration.
export const SNAPSHOT_PATH = join(MIGRATIONS_DIR, 'schema.snapshot.prisma')

export async function listMigrationDirs(dir = MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

export async function readMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const names = await listMigrationDirs(dir)
  const lockContent = await readFile(join(dir, LOCKFILE), 'utf8').catch(() => null)
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(dir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  }
}

/** Applies pending migrations like `prisma migrate deploy`, recording them in `_prisma_migrations`. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const schemaText = await readFile(SCHEMA_PATH, 'utf8')
  const migrationsList = await readMigrationList()
  return withSchemaEngine(databaseUrl, SCHEMA_PATH, schemaText, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS })
    return out.appliedMigrationNames
  })
}

/** SQL that takes a database from the schema `fromText` (or nothing) to the schema `toText`. */
export async function diffSchemas(fromText: string | null, toText: string, databaseUrl: string): Promise<string> {
  return withSchemaEngine(databaseUrl, SCHEMA_PATH, toText, async (engine) => {
    const result = await engine.diff({
      from:
        fromText === null
          ? { tag: 'empty' }
          : { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: fromText }] },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: toText }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    })
    return result.stdout ?? ''
  })
}

/** The schema text the newest migration brings the database to, or null before the first one. */
export async function readSnapshot(): Promise<string | null> {
  if ((await listMigrationDirs()).length === 0) return null
  return readFile(SNAPSHOT_PATH, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
    throw new Error(
      `${SNAPSHOT_PATH} is missing: it holds the schema the newest migration brings the database to (restore it from git).`,
    )
  })
}
