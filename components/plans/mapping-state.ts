import type { MappingRule, TColumnMapping, TCopyMapping, TTableMapping } from '@/lib/domain/mapping'
import type { SourceProfile } from '@/lib/domain/source-profile'

// The mapping editor's changes to a mapping, as pure functions. An entry a person empties is dropped (the column
// is then copied as it is), and a rule's label goes with the value it labelled: the label says who wrote what is
// there, so an empty field has no author.

export type TableEdit = Partial<Record<'rename' | 'filter', string>>
export type ColumnEdit = Partial<Record<'rename' | 'type' | 'transform', string>> & { omit?: boolean }

const blank = (v: string | undefined) => v === undefined || v.trim() === ''

function withTable(m: TCopyMapping, table: string, change: (t: TTableMapping) => TTableMapping): TCopyMapping {
  const known = m.tables.some((t) => t.table === table)
  const tables = known ? m.tables : [...m.tables, { table, columns: [] }]
  return prune(tables.map((t) => (t.table === table ? change({ ...t, columns: [...t.columns] }) : t)))
}

export function editTable(m: TCopyMapping, table: string, edit: TableEdit): TCopyMapping {
  return withTable(m, table, (t) => {
    const next = { ...t }
    if ('rename' in edit) {
      if (blank(edit.rename)) {
        delete next.rename
        delete next.renameRule
      } else next.rename = edit.rename
    }
    if ('filter' in edit) {
      if (blank(edit.filter)) {
        delete next.filter
        delete next.filterRule
      } else next.filter = edit.filter
    }
    return next
  })
}

export function editColumn(m: TCopyMapping, table: string, column: string, edit: ColumnEdit): TCopyMapping {
  return withTable(m, table, (t) => {
    const current = t.columns.find((c) => c.column === column) ?? { column }
    const next: TColumnMapping = { ...current }
    if (edit.omit === true) return { ...t, columns: replace(t.columns, { column, omit: true }) }
    if (edit.omit === false) delete next.omit
    if ('rename' in edit) {
      if (blank(edit.rename)) {
        delete next.rename
        delete next.renameRule
      } else next.rename = edit.rename
    }
    for (const key of ['type', 'transform'] as const)
      if (key in edit) {
        if (blank(edit[key])) delete next[key]
        else next[key] = edit[key]
      }
    if (next.type === undefined && next.transform === undefined) delete next.rule
    return { ...t, columns: replace(t.columns, next) }
  })
}

const replace = (columns: TColumnMapping[], entry: TColumnMapping) =>
  columns.some((c) => c.column === entry.column)
    ? columns.map((c) => (c.column === entry.column ? entry : c))
    : [...columns, entry]

/** Entries that say nothing are dropped, so the saved mapping holds only what changes something. */
function prune(tables: TTableMapping[]): TCopyMapping {
  return {
    tables: tables
      .map((t) => ({ ...t, columns: t.columns.filter((c) => Object.keys(c).some((k) => k !== 'column')) }))
      .filter((t) => t.rename !== undefined || t.filter !== undefined || t.columns.length > 0),
  }
}

/** The rules that wrote at least one entry of the mapping. */
export function rulesIn(m: TCopyMapping): Set<MappingRule> {
  const rules = new Set<MappingRule>()
  for (const t of m.tables) {
    if (t.renameRule) rules.add(t.renameRule)
    if (t.filterRule) rules.add(t.filterRule)
    for (const c of t.columns) {
      if (c.rule) rules.add(c.rule)
      if (c.renameRule) rules.add(c.renameRule)
    }
  }
  return rules
}

/** The tables and columns the editor lists: the source's, then those only the mapping names. */
export type Listed = { table: string; columns: string[] }[]

/** Adds what `m` names to `listed`: a row stays on screen while its entry is emptied and typed again. */
export function remember(listed: Listed, m: TCopyMapping): Listed {
  const out = listed.map((t) => ({ ...t, columns: [...t.columns] }))
  for (const t of m.tables) {
    let entry = out.find((x) => x.table === t.table)
    if (!entry) out.push((entry = { table: t.table, columns: [] }))
    for (const c of t.columns) if (!entry.columns.includes(c.column)) entry.columns.push(c.column)
  }
  return out.length === listed.length && out.every((t, i) => t.columns.length === listed[i]?.columns.length)
    ? listed
    : out
}

export function listedOf(profile: SourceProfile | null, remembered: Listed): Listed {
  const fromSource: Listed = (profile?.tables ?? []).map((t) => ({
    table: t.name,
    columns: t.columns.map((c) => c.name),
  }))
  return remember(fromSource, {
    tables: remembered.map((t) => ({ table: t.table, columns: t.columns.map((column) => ({ column })) })),
  })
}
