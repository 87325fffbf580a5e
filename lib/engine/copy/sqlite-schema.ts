import { escapeLiteral } from 'pg'
import type Database from 'better-sqlite3'
import { quoteIdent } from '@/lib/targets/quote'
import { pgTypeOf, type PgType } from './sqlite-types'

// Reads a SQLite database's tables (columns with declared types, keys, indexes, defaults) and writes the
// PostgreSQL DDL for them in two parts: the bare tables, created before the load, and the keys, indexes
// and constraints, created after it (faster than maintaining them row by row), then identities restarted
// after max(id). Identifiers keep their exact spelling, always quoted (camelCase, reserved words, spaces).

export type SqliteColumn = { name: string; declared: string; type: PgType; notNull: boolean; default: string | null; pkPosition: number }
export type SqliteForeignKey = { columns: string[]; table: string; references: string[]; onDelete: string; onUpdate: string }
export type SqliteIndex = { name: string; unique: boolean; columns: string[]; partial: boolean; fromConstraint: boolean }
export type SqliteTable = {
  name: string
  columns: SqliteColumn[]
  primaryKey: string[]
  /** INTEGER PRIMARY KEY: the column is the rowid, and becomes an identity. */
  rowidAlias: string | null
  withoutRowid: boolean
  foreignKeys: SqliteForeignKey[]
  indexes: SqliteIndex[]
}

/** The name a table's rowid answers to: its INTEGER PRIMARY KEY, else rowid, _rowid_ or oid – whichever no column took. */
export function rowidName(table: { name: string; columns: readonly { name: string }[]; rowidAlias?: string | null }): string {
  if (table.rowidAlias) return quoteIdent(table.rowidAlias)
  const taken = new Set(table.columns.map((c) => c.name.toLowerCase()))
  const free = ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n))
  if (!free) throw new Error(`The table ${table.name} has columns named rowid, _rowid_ and oid; it cannot be read in rowid order.`)
  return free
}

export function readSqliteSchema(db: Database.Database, only?: readonly string[]): SqliteTable[] {
  const names = (db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string; sql: string | null }[]).filter((t) => !only || only.includes(t.name))
  return names.map(({ name, sql }) => {
    const info = db.prepare(`PRAGMA table_xinfo(${quoteIdent(name)})`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }[]
    const columns = info.filter((c) => c.hidden === 0).map<SqliteColumn>((c) => ({ name: c.name, declared: c.type, type: pgTypeOf(c.type), notNull: c.notnull === 1 || c.pk > 0, default: c.dflt_value, pkPosition: c.pk }))
    const primaryKey = columns.filter((c) => c.pkPosition > 0).sort((a, b) => a.pkPosition - b.pkPosition).map((c) => c.name)
    const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(sql ?? '')
    const single = primaryKey.length === 1 ? columns.find((c) => c.name === primaryKey[0]) : undefined
    const rowidAlias = single && !withoutRowid && single.declared.trim().toUpperCase() === 'INTEGER' ? single.name : null
    const fkRows = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(name)})`).all() as { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }[]
    const foreignKeys = [...new Set(fkRows.map((f) => f.id))].map((id) => {
      const parts = fkRows.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq)
      const first = parts[0]
      return { columns: parts.map((p) => p.from), table: first?.table ?? '', references: parts.map((p) => p.to ?? ''), onDelete: first?.on_delete ?? 'NO ACTION', onUpdate: first?.on_update ?? 'NO ACTION' }
    })
    const indexes = (db.prepare(`PRAGMA index_list(${quoteIdent(name)})`).all() as { name: string; unique: number; origin: string; partial: number }[])
      .filter((i) => i.origin !== 'pk')
      .map<SqliteIndex>((i) => ({
        name: i.name,
        unique: i.unique === 1,
        columns: (db.prepare(`PRAGMA index_info(${quoteIdent(i.name)})`).all() as { seqno: number; name: string | null }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name ?? ''),
        partial: i.partial === 1,
        fromConstraint: i.origin === 'u',
      }))
    return { name, columns, primaryKey, rowidAlias, withoutRowid, foreignKeys, indexes }
  })
}

/** Restarts the identity (or serial sequence) of `column` after the largest value loaded. */
export function restartIdentitySql(schema: string, table: string, column: string): string {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`
  // escapeLiteral doubles backslashes too: safe whatever the server's standard_conforming_strings.
  return `SELECT setval(pg_get_serial_sequence(${escapeLiteral(qualified)}, ${escapeLiteral(column)}), coalesce((SELECT max(${quoteIdent(column)}) FROM ${qualified}), 0) + 1, false)`
}

// Defaults that mean the same in PostgreSQL; others are left out (with a warning).
function translateDefault(value: string, type: PgType): string | null {
  const v = value.trim()
  if (/^null$/i.test(v)) return 'NULL'
  if (/^current_timestamp$/i.test(v) || /^\(?datetime\('now'\)\)?$/i.test(v)) return 'CURRENT_TIMESTAMP'
  if (/^current_date$/i.test(v)) return 'CURRENT_DATE'
  if (/^current_time$/i.test(v)) return 'CURRENT_TIME'
  if (/^[-+]?\d+(\.\d+)?$/.test(v)) {
    if (type.kind === 'boolean') return v === '0' ? 'false' : v === '1' ? 'true' : null
    return v
  }
  if (/^'(?:[^']|'')*'$/.test(v)) {
    if (type.kind === 'boolean') return /^'(true|t|1)'$/i.test(v) ? 'true' : /^'(false|f|0)'$/i.test(v) ? 'false' : null
    return v
  }
  if (/^(true|false)$/i.test(v)) return type.kind === 'boolean' ? v.toLowerCase() : null
  return null
}

export type Ddl = { beforeLoad: string[]; afterLoad: string[]; warnings: string[] }

/** PostgreSQL DDL for `tables` in `schema`: tables before the load; keys, indexes, FKs and identity restarts after. */
export function postgresDdl(tables: readonly SqliteTable[], schema = 'public'): Ddl {
  const q = (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`
  const warnings: string[] = []
  const beforeLoad: string[] = []
  const afterLoad: string[] = []
  const keys: string[] = []
  for (const table of tables) {
    const columns = table.columns.map((c) => {
      if (c.type.warning) warnings.push(`${table.name}.${c.name}: ${c.type.warning}`)
      const identity = table.rowidAlias === c.name
      let sql = `${quoteIdent(c.name)} ${identity ? 'bigint GENERATED BY DEFAULT AS IDENTITY' : c.type.sql}`
      if (c.notNull && !identity) sql += ' NOT NULL'
      if (c.default !== null && !identity) {
        const translated = translateDefault(c.default, c.type)
        if (translated) sql += ` DEFAULT ${translated}`
        else warnings.push(`${table.name}.${c.name}: the default ${c.default} has no PostgreSQL equivalent; left out`)
      }
      return sql
    })
    beforeLoad.push(`CREATE TABLE ${q(table.name)} (\n  ${columns.join(',\n  ')}\n)`)
    if (table.primaryKey.length) keys.push(`ALTER TABLE ${q(table.name)} ADD PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`)
    for (const index of table.indexes) {
      if (index.partial || index.columns.some((c) => !c)) {
        warnings.push(`${table.name}: the index ${index.name} is partial or on an expression; not created`)
        continue
      }
      const cols = index.columns.map(quoteIdent).join(', ')
      if (index.fromConstraint) keys.push(`ALTER TABLE ${q(table.name)} ADD UNIQUE (${cols})`)
      else afterLoad.push(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${q(table.name)} (${cols})`)
    }
    if (table.rowidAlias) {
      afterLoad.push(restartIdentitySql(schema, table.name, table.rowidAlias))
    }
  }
  // Foreign keys last: every referenced key exists by then.
  const fks = tables.flatMap((table) =>
    table.foreignKeys.map((fk) => {
      const action = (what: string, rule: string) => (rule && rule.toUpperCase() !== 'NO ACTION' ? ` ON ${what} ${rule.toUpperCase()}` : '')
      const references = fk.references.every((r) => r) ? ` (${fk.references.map(quoteIdent).join(', ')})` : ''
      return `ALTER TABLE ${q(table.name)} ADD FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${q(fk.table)}${references}${action('DELETE', fk.onDelete)}${action('UPDATE', fk.onUpdate)}`
    }),
  )
  return { beforeLoad, afterLoad: [...keys, ...afterLoad, ...fks], warnings }
}
