import type { InlineCode, PhrasingContent, Table, TableCell } from 'mdast'
import { MAPPING_RULES, RULE_LABELS, type MappingRule, type TCopyMapping } from '@/lib/domain/mapping'
import { plain } from './nodes'

// A copy step's mapping as a table a person reads on GitHub: a row per table that is renamed or filtered, a row
// per column that is renamed, retyped, transformed or left out. Names and expressions stand in code spans, so
// Markdown never reinterprets them.

export const MAPPING_HEADERS = ['Table', 'Column', 'Becomes', 'Type', 'Transform or filter', 'Rule'] as const
export const LEFT_OUT = '(left out)'
const FILTER = 'filter:'

/**
 * A code span inside a table cannot hold a line break, nor a backslash right before a `|` (GitHub's `\|`
 * keeps the table a table, but cannot be told from an escaped backslash that precedes it), so backslashes are
 * doubled and line breaks written `\n`; the table's own `\|` comes on top when the Markdown is written.
 * Any other backslash reads as itself, so a hand-written `'\d'` needs no doubling.
 */
export const escapeCode = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
export const unescapeCode = (value: string) =>
  value.replace(/\\([\\nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))

export const code = (value: string): InlineCode => ({ type: 'inlineCode', value: escapeCode(value) })
const text = (value: string): PhrasingContent => ({ type: 'text', value })

const ruleLabel = (rule: MappingRule | undefined) => (rule ? [text(RULE_LABELS[rule])] : [])

export function mappingTable(mapping: TCopyMapping): Table {
  const rows: PhrasingContent[][][] = []
  for (const t of mapping.tables) {
    // A table with nothing of its own but its columns needs no row of its own; one with nothing at all does.
    if (t.rename !== undefined || t.filter !== undefined || t.filterRule !== undefined || t.columns.length === 0)
      rows.push([
        [code(t.table)],
        [],
        t.rename !== undefined ? [code(t.rename)] : [],
        [],
        t.filter !== undefined ? [text(`${FILTER} `), code(t.filter)] : [],
        ruleLabel(t.filterRule),
      ])
    for (const c of t.columns)
      rows.push([
        [code(t.table)],
        [code(c.column)],
        c.omit ? [text(LEFT_OUT)] : c.rename !== undefined ? [code(c.rename)] : [],
        c.type !== undefined ? [text(c.type)] : [],
        c.transform !== undefined ? [code(c.transform)] : [],
        ruleLabel(c.rule),
      ])
  }
  const row = (cells: PhrasingContent[][]) => ({
    type: 'tableRow' as const,
    children: cells.map((children) => ({ type: 'tableCell' as const, children })),
  })
  return {
    type: 'table',
    align: MAPPING_HEADERS.map(() => null),
    children: [row(MAPPING_HEADERS.map((h) => [text(h)])), ...rows.map(row)],
  }
}

export const isMappingTable = (table: Table) =>
  (table.children[0]?.children ?? []).map((c) => plain(c).toLowerCase()).join('|') ===
  MAPPING_HEADERS.join('|').toLowerCase()

/** What a cell says: its code span as written by `code`, or its text when a person wrote it without one. */
function cellValue(cell: TableCell | undefined, prefix?: string): string | undefined {
  if (!cell) return undefined
  const codes = cell.children.filter((c): c is InlineCode => c.type === 'inlineCode')
  const words = plain({ ...cell, children: cell.children.filter((c) => c.type !== 'inlineCode') })
  const rest = prefix && words.toLowerCase().startsWith(prefix) ? words.slice(prefix.length).trim() : words
  if (codes.length === 1 && codes[0] && !rest) return unescapeCode(codes[0].value)
  const all = plain(cell)
  const value = prefix && all.toLowerCase().startsWith(prefix) ? all.slice(prefix.length).trim() : all
  return value || undefined
}

function ruleOf(cell: TableCell | undefined, problems: string[], where: string): MappingRule | undefined {
  const said = cell ? plain(cell) : ''
  if (!said) return undefined
  const rule = MAPPING_RULES.find((r) => r === said || RULE_LABELS[r].toLowerCase() === said.toLowerCase())
  if (!rule) problems.push(`${where}: “${said}” is not a rule (${MAPPING_RULES.map((r) => RULE_LABELS[r]).join(', ')})`)
  return rule
}

/** The mapping a table says, unchecked (checkMapping judges its rules), and what could not be read at all. */
export function readMappingTable(table: Table): { mapping: { tables: Record<string, unknown>[] }; problems: string[] } {
  const problems: string[] = []
  type Entry = { table: string; columns: Record<string, unknown>[] } & Record<string, unknown>
  const tables: Entry[] = []
  table.children.slice(1).forEach((row, i) => {
    const [tableCell, columnCell, becomesCell, typeCell, exprCell, ruleCell] = row.children
    const name = cellValue(tableCell)
    if (!name) return problems.push(`row ${i + 1} of the mapping does not name its table`)
    const column = cellValue(columnCell)
    const where = column ? `${name}.${column}` : name
    const leftOut = becomesCell ? plain(becomesCell).toLowerCase() === LEFT_OUT : false
    const becomes = leftOut ? undefined : cellValue(becomesCell)
    const type = typeCell ? plain(typeCell) || undefined : undefined
    const rule = ruleOf(ruleCell, problems, where)
    if (column === undefined) {
      if (type) problems.push(`${where}: a table has no type; name the column the type is for`)
      const filter = cellValue(exprCell, FILTER)
      tables.push({
        table: name,
        ...(becomes !== undefined ? { rename: becomes } : {}),
        ...(filter !== undefined ? { filter } : {}),
        ...(rule ? { filterRule: rule } : {}),
        columns: [],
      })
      return
    }
    const transform = cellValue(exprCell)
    const entry: Record<string, unknown> = {
      column,
      ...(becomes !== undefined ? { rename: becomes } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(transform !== undefined ? { transform } : {}),
      ...(leftOut ? { omit: true } : {}),
      ...(rule ? { rule } : {}),
    }
    const last = tables.at(-1)
    if (last?.table === name) last.columns.push(entry)
    else tables.push({ table: name, columns: [entry] })
  })
  return { mapping: { tables }, problems }
}
