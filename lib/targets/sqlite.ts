import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { quoteIdent } from './quote'
import { withoutPaths } from '@/lib/domain/redact'
import type { Introspection, ProbeResult } from '@/lib/domain/connection-probe'

// SQLite files a plan migrates from. They must live inside one configured directory: a path that
// leaves it – by "..", an absolute path, or a symbolic link pointing out – is refused. Messages name a file
// as it was given and the directory as "the SQLite directory", never by its place on the server.

/**
 * The objects of a SQLite file that are the application's: SQLite's own (sqlite_…) and a sync's change capture
 * (_lockstep_sync…, lib/engine/sync/sqlite-capture.ts) are never listed, copied, validated or profiled.
 */
export const APPLICATION_OBJECTS = `name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_lockstep\\_sync%' ESCAPE '\\'`

export class SqlitePathError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SqlitePathError'
  }
}

const inside = (base: string, path: string) => {
  const rel = relative(base, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/**
 * The real path of `file` inside `dir`; throws SqlitePathError for anything that escapes it. With
 * `allowMissing`, a file that does not exist yet passes if its path stays inside (checked again on use).
 */
export function resolveSqlitePath(dir: string, file: string, options: { allowMissing?: boolean } = {}): string {
  if (!existsSync(dir)) throw new SqlitePathError('The SQLite directory (LOCKSTEP_SQLITE_DIR) does not exist.')
  const base = realpathSync(dir)
  const candidate = resolve(base, file)
  if (!inside(base, candidate))
    throw new SqlitePathError(`“${file}” is outside the SQLite directory; only files inside it can be used.`)
  if (!existsSync(candidate)) {
    if (options.allowMissing) return candidate
    throw new SqlitePathError(`There is no file “${file}” in the SQLite directory.`)
  }
  const real = realpathSync(candidate)
  if (!inside(base, real))
    throw new SqlitePathError(`“${file}” is a link that leads outside the SQLite directory; it is refused.`)
  if (!statSync(real).isFile()) throw new SqlitePathError(`“${file}” is not a file.`)
  return real
}

/** A file-system or SQLite error about a file of `dir`, with the file named relative to the directory. */
export function sqliteMessage(dir: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const roots = [resolve(dir), ...(existsSync(dir) ? [realpathSync(dir)] : [])].map((path) => ({
    path,
    name: 'the SQLite directory',
  }))
  return withoutPaths(message, roots)
}

function open(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true, timeout: 5_000 })
}

export function probeSqlite(dir: string, file: string): ProbeResult {
  let path: string
  try {
    path = resolveSqlitePath(dir, file)
  } catch (error) {
    return { ok: false, kind: 'file', message: sqliteMessage(dir, error) }
  }
  const started = performance.now()
  let db: Database.Database | null = null
  try {
    db = open(path)
    const { version } = db.prepare('SELECT sqlite_version() AS version').get() as { version: string }
    db.prepare('SELECT count(*) FROM sqlite_master').get() // reads the header: fails on a file that is not a database
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    let writable = true
    try {
      accessSync(path, constants.W_OK)
    } catch {
      writable = false
    }
    return {
      ok: true,
      engine: 'SQLITE',
      serverVersion: `SQLite ${version}`,
      latencyMs,
      user: null,
      privileges: writable ? ['read', 'write'] : ['read'],
    }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_NOTADB') return { ok: false, kind: 'file', message: `“${file}” is not a SQLite database.` }
    if (code === 'SQLITE_CANTOPEN')
      return { ok: false, kind: 'file', message: `“${file}” cannot be opened (permissions?).` }
    return { ok: false, kind: 'other', message: `SQLite could not read “${file}”: ${sqliteMessage(dir, error)}` }
  } finally {
    db?.close()
  }
}

export function introspectSqlite(dir: string, file: string): Introspection {
  const db = open(resolveSqlitePath(dir, file))
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${APPLICATION_OBJECTS} ORDER BY name`)
      .all() as { name: string }[]
    return {
      tables: tables.map(({ name }) => {
        const columns = db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as {
          name: string
          type: string
          notnull: number
          dflt_value: string | null
          pk: number
        }[]
        const fks = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(name)})`).all() as {
          id: number
          table: string
          from: string
          to: string | null
        }[]
        const indexes = db.prepare(`PRAGMA index_list(${quoteIdent(name)})`).all() as {
          name: string
          unique: number
          origin: string
        }[]
        const { count } = db.prepare(`SELECT count(*) AS count FROM ${quoteIdent(name)}`).get() as { count: number }
        const fkIds = [...new Set(fks.map((f) => f.id))]
        return {
          schema: 'main',
          name,
          rowEstimate: count,
          columns: columns.map((c) => ({
            name: c.name,
            type: c.type || 'ANY',
            nullable: c.notnull === 0 && c.pk === 0,
            default: c.dflt_value,
          })),
          primaryKey: columns
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name),
          foreignKeys: fkIds.map((id) => {
            const parts = fks.filter((f) => f.id === id)
            const target = parts[0]?.table ?? ''
            return {
              name: `fk_${name}_${id}`,
              columns: parts.map((p) => p.from),
              definition: `FOREIGN KEY (${parts.map((p) => p.from).join(', ')}) REFERENCES ${target}(${parts.map((p) => p.to ?? '').join(', ')})`,
            }
          }),
          indexes: indexes.map((i) => {
            const cols = (db.prepare(`PRAGMA index_info(${quoteIdent(i.name)})`).all() as { name: string }[]).map(
              (c) => c.name,
            )
            return {
              name: i.name,
              unique: i.unique === 1,
              definition: `${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${name} (${cols.join(', ')})`,
            }
          }),
        }
      }),
    }
  } finally {
    db.close()
  }
}
