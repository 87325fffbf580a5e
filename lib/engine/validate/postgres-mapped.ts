import { columnMappingOf, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import type { PgTable } from '@/lib/engine/copy/postgres-source'
import { mappedPgType } from '@/lib/engine/copy/sqlite-types'
import { quoteIdent } from '@/lib/targets/quote'

// A PostgreSQL source's tables as a copy through `mapping` made them: new names, columns left out, and for
// each mapped table a subquery (in `views`, by the table's new name) that reads its rows as the copy read
// them – transforms computed, values cast to the mapping's types, filtered rows left out.

export function mapTables(
  tables: readonly PgTable[],
  mapping: TCopyMapping,
  views: Map<string, string>,
  rowsOf: (t: PgTable) => string,
): PgTable[] {
  views.clear()
  const nameOf = (table: string) => tableMappingOf(mapping, table)?.rename ?? table
  const columnName = (table: string, column: string) => columnMappingOf(mapping, table, column)?.rename ?? column
  const kept = (table: string, column: string) => !columnMappingOf(mapping, table, column)?.omit
  const rename = (list: readonly string[], table: string) => list.map((c) => columnName(table, c))
  // Every table's foreign keys follow the new names of the tables and columns they reference.
  const constraintsOf = (t: PgTable) =>
    t.constraints
      .filter((c) => c.columns.every((x) => kept(t.name, x)))
      .filter((c) => !c.references || c.refColumns.every((x) => kept(c.references as string, x)))
      .map((c) => ({
        ...c,
        columns: rename(c.columns, t.name),
        references: c.references && nameOf(c.references),
        refColumns: c.references ? rename(c.refColumns, c.references) : c.refColumns,
      }))
  return tables.map((t) => {
    const entry = tableMappingOf(mapping, t.name)
    if (!entry) return { ...t, constraints: constraintsOf(t) }
    const columns = t.columns.filter((c) => !c.generated && kept(t.name, c.name))
    const select = columns.map((c) => {
      const rule = columnMappingOf(mapping, t.name, c.name)
      const value = rule?.transform ? `(${rule.transform})` : quoteIdent(c.name)
      // A value the mapping's type cannot take was rejected by the copy; here it stops the table's comparison.
      const typed = rule?.type ? `(${value})::${mappedPgType(rule.type).sql}` : value
      return `${typed} AS ${quoteIdent(columnName(t.name, c.name))}`
    })
    const name = nameOf(t.name)
    views.set(
      name,
      `(SELECT ${select.join(', ')} FROM ${rowsOf(t)}${entry.filter ? ` WHERE ${entry.filter}` : ''}) AS ${quoteIdent(name)}`,
    )
    return {
      ...t,
      name,
      columns: columns.map((c) => {
        const rule = columnMappingOf(mapping, t.name, c.name)
        return { ...c, name: columnName(t.name, c.name), type: rule?.type ? mappedPgType(rule.type).sql : c.type }
      }),
      primaryKey: rename(t.primaryKey, t.name),
      constraints: constraintsOf(t),
    }
  })
}
