import type Database from 'better-sqlite3'
import { columnMappingOf, isEmptyMapping, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { quoteIdent } from '@/lib/targets/quote'
import type { NotCopied } from './model'
import { CopyRefused } from './options'
import { readSqliteSchema, relationNames, type SqliteTable } from './sqlite-schema'
import { mappedPgType } from './sqlite-types'

// A mapping applied to a SQLite file's tables as readSqliteSchema read them: new names become the tables' and
// columns' names on the target (pgName, which every statement of the copy and the validation already uses),
// a type replaces the one the declared type gave, transforms and filters ride along for the readers, and a
// left-out column disappears with the indexes and foreign keys that need it (each listed as not copied).

/** What SQLite says of an expression it cannot run, as a refusal naming the rule. */
function checkExpression(db: Database.Database, table: string, what: string, sql: string, filter?: string) {
  try {
    db.prepare(`SELECT ${sql} FROM ${quoteIdent(table)}${filter ? ` WHERE ${filter}` : ''} LIMIT 0`)
  } catch (error) {
    throw new CopyRefused(`The ${what} (${sql}) cannot be read by SQLite: ${(error as Error).message}.`)
  }
}

/** The tables with `mapping` applied (`all`: every table of the file, to check the names the mapping uses). */
export function mapSqliteTables(
  db: Database.Database,
  tables: readonly SqliteTable[],
  all: readonly string[],
  mapping: TCopyMapping,
): { tables: SqliteTable[]; notCopied: NotCopied[] } {
  const unknown = mapping.tables.filter((t) => !all.includes(t.table)).map((t) => `“${t.table}”`)
  if (unknown.length)
    throw new CopyRefused(`The mapping names ${unknown.join(', ')}, which the source does not have as a table.`)
  const notCopied: NotCopied[] = []
  const omitted = new Set<string>()
  const mapped = tables.map<SqliteTable>((table) => {
    const entry = tableMappingOf(mapping, table.name)
    if (!entry) return table
    for (const c of entry.columns)
      if (!table.columns.some((s) => s.name === c.column))
        throw new CopyRefused(`The mapping names the column ${table.name}.${c.column}, which the source does not have.`)
    if (entry.filter) checkExpression(db, table.name, `filter of ${table.name}`, entry.filter)
    let rowidAlias = table.rowidAlias
    const columns = table.columns.flatMap((column) => {
      const rule = columnMappingOf(mapping, table.name, column.name)
      if (!rule) return [column]
      if (rule.omit) {
        if (table.primaryKey.includes(column.name))
          throw new CopyRefused(
            `${table.name}.${column.name} is part of the primary key; it cannot be left out (rename or transform it instead).`,
          )
        omitted.add(`${table.name}\u0000${column.name}`)
        return []
      }
      if (rule.transform) checkExpression(db, table.name, `transform of ${table.name}.${column.name}`, rule.transform)
      // A rowid whose values change (or change type) is no longer an identity: the rows are still read by rowid.
      if (column.name === rowidAlias && (rule.transform || rule.type)) rowidAlias = null
      return [
        {
          ...column,
          pgName: rule.rename ?? column.pgName,
          ...(rule.rename ? { renamed: true } : {}),
          type: rule.type ? mappedPgType(rule.type) : column.type,
          ...(rule.transform ? { transform: rule.transform } : {}),
        },
      ]
    })
    return {
      ...table,
      columns,
      rowidAlias,
      ...(entry.rename ? { renamed: true } : {}),
      ...(entry.filter ? { filter: entry.filter } : {}),
    }
  })
  const left = (table: string, column: string) => omitted.has(`${table}\u0000${column}`)
  return {
    tables: mapped.map((table) => ({
      ...table,
      indexes: table.indexes.filter((index) => {
        const gone = index.columns.find((c) => left(table.name, c))
        if (gone)
          notCopied.push({
            table: table.pgName,
            object: `index ${index.name}`,
            reason: `it uses ${gone}, which the mapping leaves out`,
            asked: true,
          })
        return !gone
      }),
      foreignKeys: table.foreignKeys.filter((fk) => {
        const gone = fk.columns.find((c) => left(table.name, c)) ?? fk.references.find((c) => left(fk.table, c))
        if (gone)
          notCopied.push({
            table: table.pgName,
            object: `foreign key (${fk.columns.join(', ')}) → ${fk.table}`,
            reason: `it uses ${gone}, which the mapping leaves out`,
            asked: true,
          })
        return !gone
      }),
    })),
    notCopied,
  }
}

/** readSqliteSchema with `mapping` applied; what the mapping leaves out of the tables is added to `notCopied`. */
export function readMappedSqliteSchema(
  db: Database.Database,
  only: readonly string[] | undefined,
  mapping: TCopyMapping,
  notCopied?: NotCopied[],
): SqliteTable[] {
  const tables = readSqliteSchema(db, only, mapping)
  if (isEmptyMapping(mapping)) return tables
  const mapped = mapSqliteTables(db, tables, [...relationNames(db, mapping).keys()], mapping)
  notCopied?.push(...mapped.notCopied)
  return mapped.tables
}
