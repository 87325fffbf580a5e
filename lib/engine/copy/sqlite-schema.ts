import { escapeLiteral } from 'pg'
import type Database from 'better-sqlite3'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { quoteIdent } from '@/lib/targets/quote'
import type { Ddl, NotCopied, OptionalStatement, PostLoadStatement } from './model'
import { CopyRefused } from './options'
import { pgNames, primaryKeyName, shortenedWarning } from './pg-names'
import { translateDefault } from './sqlite-defaults'
import { checkStatements, objectStatements, readSqliteObjects } from './sqlite-objects'
import { pgTypeOf, type PgType } from './sqlite-types'
import { APPLICATION_OBJECTS } from '@/lib/targets/sqlite'

// Reads a SQLite database's tables (columns with declared types, keys, indexes, defaults) and writes the
// PostgreSQL DDL for them in two parts: the bare tables, created before the load, and the keys, indexes
// and constraints, created after it (faster than maintaining them row by row), then identities restarted
// after max(id). Identifiers keep their exact spelling, always quoted (camelCase, reserved words, spaces),
// except names longer than PostgreSQL's 63 bytes, shortened uniquely (pg-names.ts): `pgName` is the name
// on the target. CHECK constraints, views and SQL-written indexes follow as statements PostgreSQL may
// refuse (sqlite-objects.ts); triggers and whatever does not translate are listed as not copied.

export type SqliteColumn = {
  name: string
  pgName: string
  declared: string
  type: PgType
  notNull: boolean
  default: string | null
  pkPosition: number
  /** A mapping's transform: the SQLite expression read in the column's place. */
  transform?: string
  /** The mapping gave it its name on the target (not a shortening). */
  renamed?: boolean
}
export type SqliteForeignKey = {
  columns: string[]
  table: string
  references: string[]
  onDelete: string
  onUpdate: string
}
export type SqliteIndex = {
  name: string
  unique: boolean
  columns: string[]
  partial: boolean
  fromConstraint: boolean
}
export type SqliteTable = {
  name: string
  pgName: string
  /** The CREATE TABLE statement (its CHECK constraints are only there). */
  sql: string | null
  columns: SqliteColumn[]
  primaryKey: string[]
  /** INTEGER PRIMARY KEY: the column is the rowid, and becomes an identity. */
  rowidAlias: string | null
  withoutRowid: boolean
  foreignKeys: SqliteForeignKey[]
  indexes: SqliteIndex[]
  /** A mapping's filter: the rows copied are those it holds for. */
  filter?: string
  /** The mapping gave it its name on the target (not a shortening). */
  renamed?: boolean
}

/** The name a table's rowid answers to: its INTEGER PRIMARY KEY, else rowid, _rowid_ or oid – whichever no column took. */
export function rowidName(table: {
  name: string
  columns: readonly { name: string }[]
  rowidAlias?: string | null
}): string {
  if (table.rowidAlias) return quoteIdent(table.rowidAlias)
  const taken = new Set(table.columns.map((c) => c.name.toLowerCase()))
  const free = ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n))
  if (!free)
    throw new Error(
      `The table ${table.name} has columns named rowid, _rowid_ and oid; it cannot be read in rowid order.`,
    )
  return free
}

/**
 * Target names of every table, view and index (one namespace in PostgreSQL as in SQLite), the same whichever
 * tables are copied: a mapping's new table names, else the SQLite names (shortened past 63 bytes).
 */
export function relationNames(db: Database.Database, mapping: TCopyMapping = EMPTY_MAPPING): Map<string, string> {
  const all = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'index') AND ${APPLICATION_OBJECTS} ORDER BY name`,
    )
    .pluck()
    .all() as string[]
  const names = pgNames(all)
  const owner = new Map([...names].map(([from, to]) => [to, from]))
  for (const t of mapping.tables) {
    if (!t.rename || !names.has(t.table)) continue
    const taken = owner.get(t.rename)
    if (taken !== undefined && taken !== t.table && !mapping.tables.some((m) => m.table === taken && m.rename))
      throw new CopyRefused(
        `The mapping renames ${t.table} to “${t.rename}”, which the source's ${taken} is called already; rename that one too, or choose another name.`,
      )
    names.set(t.table, t.rename)
    owner.set(t.rename, t.table)
  }
  return names
}

/** The module of a virtual table (`CREATE VIRTUAL TABLE x USING fts5(…)`), or null. */
export const virtualModule = (sql: string | null) =>
  /^\s*CREATE\s+VIRTUAL\s+TABLE\b.*?\bUSING\s+([\w]+)/is.exec(sql ?? '')?.[1]?.toLowerCase() ?? null

/**
 * The tables the copy leaves out, with the reason: the internal (shadow) tables of virtual tables such as a
 * full-text index, and virtual tables whose module this SQLite does not have.
 */
export function skippedTables(db: Database.Database): NotCopied[] {
  let kinds: { name: string; type: string }[] = []
  try {
    kinds = db.prepare(`PRAGMA main.table_list`).all() as { name: string; type: string }[]
  } catch {
    return [] // a SQLite before 3.37 has no table_list; its shadow tables are copied as tables
  }
  const rows = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND ${APPLICATION_OBJECTS}`)
    .all() as { name: string; sql: string | null }[]
  const virtual = rows.filter((r) => virtualModule(r.sql))
  const skipped: NotCopied[] = []
  for (const k of kinds) {
    if (k.type !== 'shadow') continue
    const owner = virtual
      .filter((v) => k.name.startsWith(`${v.name}_`))
      .sort((a, b) => b.name.length - a.name.length)[0]
    skipped.push({
      table: k.name,
      object: `table ${k.name}`,
      reason: `internal table of the virtual table ${owner?.name ?? '(unknown)'}; PostgreSQL keeps no such table`,
    })
  }
  for (const v of virtual) {
    try {
      db.prepare(`PRAGMA table_xinfo(${quoteIdent(v.name)})`).all()
    } catch (error) {
      skipped.push({
        table: v.name,
        object: `virtual table ${v.name}`,
        reason: `uses the module ${virtualModule(v.sql)}, which cannot be read here (${(error as Error).message})`,
      })
    }
  }
  return skipped
}

/**
 * `only`: the tables to read, by their SQLite name or their name on the target. `mapping`: only its new table
 * names are given here; readMappedSqliteSchema (sqlite-mapping.ts) applies the rest.
 */
export function readSqliteSchema(
  db: Database.Database,
  only?: readonly string[],
  mapping: TCopyMapping = EMPTY_MAPPING,
): SqliteTable[] {
  const relations = relationNames(db, mapping)
  const skipped = new Set(skippedTables(db).map((s) => s.table))
  const names = (
    db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND ${APPLICATION_OBJECTS} ORDER BY name`)
      .all() as { name: string; sql: string | null }[]
  ).filter(
    (t) => !skipped.has(t.name) && (!only || only.includes(t.name) || only.includes(relations.get(t.name) ?? t.name)),
  )
  return names.map(({ name, sql }) => {
    try {
      return readTable(db, name, sql, relations)
    } catch (error) {
      throw new Error(`The SQLite table ${name} cannot be read: ${(error as Error).message}`)
    }
  })
}

function readTable(
  db: Database.Database,
  name: string,
  sql: string | null,
  relations: ReadonlyMap<string, string>,
): SqliteTable {
  const info = db.prepare(`PRAGMA table_xinfo(${quoteIdent(name)})`).all() as {
    name: string
    type: string
    notnull: number
    dflt_value: string | null
    pk: number
    hidden: number
  }[]
  const visible = info.filter((c) => c.hidden === 0)
  const columnNames = pgNames(visible.map((c) => c.name))
  const columns = visible.map<SqliteColumn>((c) => ({
    name: c.name,
    pgName: columnNames.get(c.name) ?? c.name,
    declared: c.type,
    type: pgTypeOf(c.type),
    notNull: c.notnull === 1 || c.pk > 0,
    default: c.dflt_value,
    pkPosition: c.pk,
  }))
  const primaryKey = columns
    .filter((c) => c.pkPosition > 0)
    .sort((a, b) => a.pkPosition - b.pkPosition)
    .map((c) => c.name)
  const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(sql ?? '')
  const single = primaryKey.length === 1 ? columns.find((c) => c.name === primaryKey[0]) : undefined
  const rowidAlias = single && !withoutRowid && single.declared.trim().toUpperCase() === 'INTEGER' ? single.name : null
  const fkRows = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(name)})`).all() as {
    id: number
    seq: number
    table: string
    from: string
    to: string | null
    on_update: string
    on_delete: string
  }[]
  const foreignKeys = [...new Set(fkRows.map((f) => f.id))].map((id) => {
    const parts = fkRows.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq)
    const first = parts[0]
    return {
      columns: parts.map((p) => p.from),
      table: first?.table ?? '',
      references: parts.map((p) => p.to ?? ''),
      onDelete: first?.on_delete ?? 'NO ACTION',
      onUpdate: first?.on_update ?? 'NO ACTION',
    }
  })
  const indexes = (
    db.prepare(`PRAGMA index_list(${quoteIdent(name)})`).all() as {
      name: string
      unique: number
      origin: string
      partial: number
    }[]
  )
    .filter((i) => i.origin !== 'pk')
    .map<SqliteIndex>((i) => ({
      name: i.name,
      unique: i.unique === 1,
      columns: (
        db.prepare(`PRAGMA index_info(${quoteIdent(i.name)})`).all() as { seqno: number; name: string | null }[]
      )
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? ''),
      partial: i.partial === 1,
      fromConstraint: i.origin === 'u',
    }))
  return {
    name,
    pgName: relations.get(name) ?? name,
    sql,
    columns,
    primaryKey,
    rowidAlias,
    withoutRowid,
    foreignKeys,
    indexes,
  }
}

/** Restarts the identity (or serial sequence) of `column` after the largest value loaded. */
export function restartIdentitySql(schema: string, table: string, column: string): string {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`
  // escapeLiteral doubles backslashes too: safe whatever the server's standard_conforming_strings.
  return `SELECT setval(pg_get_serial_sequence(${escapeLiteral(qualified)}, ${escapeLiteral(column)}), coalesce((SELECT max(${quoteIdent(column)}) FROM ${qualified}), 0) + 1, false)`
}

/**
 * PostgreSQL DDL for `tables` in `schema`: tables before the load; keys, indexes, FKs and identity restarts
 * after; CHECK constraints, views and SQL-written indexes to try. `db` (the source) gives its views, triggers
 * and indexes; `copiedAll`: every table is copied (views are recreated only then).
 */
export function postgresDdl(
  tables: readonly SqliteTable[],
  schema = 'public',
  source?: { db: Database.Database; copiedAll: boolean; mapping?: TCopyMapping },
): Ddl {
  const q = (table: SqliteTable) => `${quoteIdent(schema)}.${quoteIdent(table.pgName)}`
  const byName = new Map(tables.map((t) => [t.name, t]))
  const pgColumn = (table: SqliteTable | undefined, column: string) =>
    quoteIdent(
      table?.columns.find((c) => c.name === column)?.pgName ??
        table?.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.pgName ??
        column,
    )
  const warnings: string[] = []
  const beforeLoad: string[] = []
  const afterLoad: PostLoadStatement[] = []
  const keys: PostLoadStatement[] = []
  const optional: OptionalStatement[] = []
  const notCopied: NotCopied[] = []
  const relations = source ? relationNames(source.db, source.mapping) : new Map<string, string>()
  const relationNamesTaken = new Set([
    ...tables.map((t) => t.pgName),
    ...tables.flatMap((t) => t.indexes.map((i) => relations.get(i.name) ?? i.name)),
  ])
  for (const table of tables) {
    if (table.pgName !== table.name && !table.renamed)
      warnings.push(shortenedWarning(`table ${table.name}`, table.name, table.pgName))
    const virtual = virtualModule(table.sql)
    if (virtual)
      warnings.push(
        `${table.name}: a virtual table (${virtual}); its rows are copied into a plain table, the ${virtual} index itself is not recreated`,
      )
    const columns = table.columns.map((c) => {
      if (c.pgName !== c.name && !c.renamed)
        warnings.push(shortenedWarning(`${table.name}.${c.name}`, c.name, c.pgName))
      if (c.type.warning) warnings.push(`${table.name}.${c.name}: ${c.type.warning}`)
      const identity = table.rowidAlias === c.name
      let sql = `${quoteIdent(c.pgName)} ${identity ? 'bigint GENERATED BY DEFAULT AS IDENTITY' : c.type.sql}`
      if (c.notNull && !identity) sql += ' NOT NULL'
      if (c.default !== null && !identity) {
        const translated = translateDefault(c.default, c.type)
        if ('sql' in translated) sql += ` DEFAULT ${translated.sql}`
        else
          warnings.push(
            `${table.name}.${c.name}: the default ${c.default} ${translated.reason}; the column has no default on the target`,
          )
      }
      return sql
    })
    beforeLoad.push(`CREATE TABLE ${q(table)} (\n  ${columns.join(',\n  ')}\n)`)
    const cols = (names: readonly string[]) => names.map((n) => pgColumn(table, n)).join(', ')
    const on = { table: table.pgName }
    if (table.primaryKey.length) {
      // Built as a unique index first (a SHARE lock: the table's other indexes build at the same time), then made
      // the key; ADD PRIMARY KEY alone would hold the table exclusively while it builds. Under PostgreSQL's own
      // name for it, unless a table or index of the copy already has that name.
      const key = primaryKeyName(table.pgName)
      keys.push({
        ...on,
        kind: 'primary key',
        name: `primary key ${table.pgName}`,
        sql: relationNamesTaken.has(key)
          ? `ALTER TABLE ${q(table)} ADD PRIMARY KEY (${cols(table.primaryKey)})`
          : `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(key)} ON ${q(table)} (${cols(table.primaryKey)}); ALTER TABLE ${q(table)} ADD CONSTRAINT ${quoteIdent(key)} PRIMARY KEY USING INDEX ${quoteIdent(key)}`,
      })
    }
    for (const index of table.indexes) {
      // Partial and expression indexes are translated from their SQL (sqlite-objects.ts).
      if (index.partial || index.columns.some((c) => !c)) {
        if (!source)
          notCopied.push({ table: table.name, object: `index ${index.name}`, reason: 'partial or on an expression' })
        continue
      }
      // SQLite names a UNIQUE constraint's index by its position in the table (sqlite_autoindex_t_2): its columns name it better.
      if (index.fromConstraint)
        keys.push({
          ...on,
          kind: 'unique',
          name: `unique ${table.pgName} (${cols(index.columns)})`,
          sql: `ALTER TABLE ${q(table)} ADD UNIQUE (${cols(index.columns)})`,
        })
      else {
        const name = relations.get(index.name) ?? index.name
        afterLoad.push({
          ...on,
          kind: 'index',
          name: `index ${name}`,
          sql: `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${q(table)} (${cols(index.columns)})`,
        })
      }
    }
    if (table.rowidAlias) {
      afterLoad.push({
        ...on,
        kind: 'identity',
        name: `identity ${table.pgName}`,
        sql: restartIdentitySql(
          schema,
          table.pgName,
          table.columns.find((c) => c.name === table.rowidAlias)?.pgName ?? table.rowidAlias,
        ),
      })
    }
    const checks = checkStatements(table, schema)
    optional.push(...checks.optional)
    notCopied.push(...checks.notCopied)
  }
  // Foreign keys last: every referenced key exists by then.
  const fks = tables.flatMap((table) =>
    table.foreignKeys.map<PostLoadStatement>((fk) => {
      const action = (what: string, rule: string) =>
        rule && rule.toUpperCase() !== 'NO ACTION' ? ` ON ${what} ${rule.toUpperCase()}` : ''
      const parent =
        byName.get(fk.table) ?? [...byName.values()].find((t) => t.name.toLowerCase() === fk.table.toLowerCase())
      const references = fk.references.every((r) => r)
        ? ` (${fk.references.map((r) => pgColumn(parent, r)).join(', ')})`
        : ''
      const columns = fk.columns.map((c) => pgColumn(table, c)).join(', ')
      const parentName = parent?.pgName ?? relations.get(fk.table) ?? fk.table
      // SQLite's foreign keys have no names: the columns and what they reference name one.
      return {
        kind: 'foreign key',
        table: table.pgName,
        name: `foreign key ${table.pgName} (${columns}) → ${parentName}${references}`,
        sql: `ALTER TABLE ${q(table)} ADD FOREIGN KEY (${columns}) REFERENCES ${quoteIdent(schema)}.${quoteIdent(parentName)}${references}${action('DELETE', fk.onDelete)}${action('UPDATE', fk.onUpdate)}`,
      }
    }),
  )
  if (source) {
    notCopied.push(...skippedTables(source.db))
    const objects = objectStatements(readSqliteObjects(source.db), tables, relations, schema, source.copiedAll)
    optional.push(...objects.optional)
    notCopied.push(...objects.notCopied)
  }
  return { beforeLoad, afterLoad: [...keys, ...afterLoad, ...fks], warnings, optional, notCopied }
}
