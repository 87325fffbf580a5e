import { snakeCase, type MappingRule, type TColumnMapping, type TCopyMapping, type TTableMapping } from './mapping'
import { isOrphanFilter, isRuleOutput } from './mapping-rule-sql'

// Merging a one-click rule's entries into a mapping a person may have edited, and taking them out again.

const hasValueRule = (c: TColumnMapping) => c.type !== undefined || c.transform !== undefined
const targetOf = (c: TColumnMapping) => c.rename ?? c.column

/**
 * Merges a rule's entries into a mapping. What a person (or another rule) wrote wins: a rule writes a name, a
 * type and transform, or a filter only where there is none yet, or where it wrote it itself and nobody has
 * changed it since (applying a rule again refreshes its own entries). It never touches a left-out column, and
 * never renames a table or column to a name another entry already ends up with.
 */
export function applyRule(current: TCopyMapping, s: { rule: MappingRule; mapping: TCopyMapping }): TCopyMapping {
  const tables = current.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c })) }))
  for (const st of s.mapping.tables) {
    let t = tables.find((x) => x.table === st.table)
    if (!t) tables.push((t = { table: st.table, columns: [] }))
    const table = t
    if (
      st.rename !== undefined &&
      (table.rename === undefined || (table.renameRule === s.rule && table.rename === snakeCase(table.table))) &&
      !tables.some((o) => o !== table && (o.rename ?? o.table) === st.rename)
    )
      Object.assign(table, { rename: st.rename, renameRule: s.rule })
    if (
      st.filter !== undefined &&
      (table.filter === undefined || (table.filterRule === s.rule && isOrphanFilter(table.filter)))
    )
      Object.assign(table, { filter: st.filter, filterRule: s.rule })
    for (const sc of st.columns) {
      let c = table.columns.find((x) => x.column === sc.column)
      if (!c) table.columns.push((c = { column: sc.column }))
      const column = c
      if (column.omit) continue
      if (
        sc.rename !== undefined &&
        (column.rename === undefined || (column.renameRule === s.rule && column.rename === snakeCase(column.column))) &&
        !table.columns.some((o) => o !== column && !o.omit && targetOf(o) === sc.rename)
      )
        Object.assign(column, { rename: sc.rename, renameRule: s.rule })
      if (hasValueRule(sc) && (!hasValueRule(column) || (column.rule === s.rule && isRuleOutput(s.rule, column)))) {
        delete column.type
        delete column.transform
        Object.assign(column, {
          ...(sc.type !== undefined ? { type: sc.type } : {}),
          ...(sc.transform !== undefined ? { transform: sc.transform } : {}),
          rule: s.rule,
        })
      }
    }
  }
  return prune(tables)
}

/**
 * Takes out what `rule` wrote. An entry changed by hand since the rule wrote it (another transform, type,
 * name or filter) stays as the person left it, and loses the rule's label: it is theirs now.
 */
export function removeRule(current: TCopyMapping, rule: MappingRule): TCopyMapping {
  const tables = current.tables.map((t) => {
    const table = { ...t, columns: t.columns.map((c) => ({ ...c })) }
    if (table.renameRule === rule) {
      if (rule === 'snake_case' && table.rename === snakeCase(table.table)) delete table.rename
      delete table.renameRule
    }
    if (table.filterRule === rule) {
      if (rule === 'orphans' && table.filter !== undefined && isOrphanFilter(table.filter)) delete table.filter
      delete table.filterRule
    }
    for (const c of table.columns) {
      if (c.renameRule === rule) {
        if (rule === 'snake_case' && c.rename === snakeCase(c.column)) delete c.rename
        delete c.renameRule
      }
      if (c.rule === rule) {
        if (isRuleOutput(rule, c)) {
          delete c.type
          delete c.transform
        }
        delete c.rule
      }
    }
    return table
  })
  return prune(tables)
}

/** Entries that say nothing any more (a column copied as it is, a table without any rule) are dropped. */
function prune(tables: TTableMapping[]): TCopyMapping {
  return {
    tables: tables
      .map((t) => ({ ...t, columns: t.columns.filter((c) => Object.keys(c).some((k) => k !== 'column')) }))
      .filter((t) => t.rename !== undefined || t.filter !== undefined || t.columns.length > 0),
  }
}
