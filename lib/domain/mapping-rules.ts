import {
  MAPPING_RULES,
  RULE_LABELS,
  snakeCase,
  type MappingRule,
  type TColumnMapping,
  type TCopyMapping,
  type TTableMapping,
} from './mapping'
import { epochTransform, orphanFilter, trimTransform } from './mapping-rule-sql'
import type { ColumnKind, ProfiledColumn, SourceEngine, SourceProfile } from './source-profile'

export { applyRule, removeRule } from './mapping-rule-merge'
export { orphanFilter, quoteName } from './mapping-rule-sql'
export * from './source-profile'

// The one-click rules of a copy's mapping: each reads a profile of the source (what its columns hold, counted
// over a sample, and its orphaned rows, counted exactly) and writes the mapping entries that data calls for –
// never more – labelled with the rule, so that a person sees which rule wrote what and can edit or remove it.

/** A rule as it would apply to one source: the entries it writes, and in a sentence or two what and why. */
export type RuleSuggestion = {
  rule: MappingRule
  label: string
  summary: string
  /** What the rule leaves alone and why (name clashes, keys, foreign keys whose sides disagree). */
  notes: string[]
  mapping: TCopyMapping
}

const NUMBER_KINDS = new Set<ColumnKind>(['smallint', 'integer', 'bigint', 'numeric', 'double'])
const IDENTIFIER_BYTES = 63
const SHOWN = 5

const at = (table: string, column: string) => `${table}.${column}`
// Columns are told apart by a separator no name holds (a table “a.b” and a column “b.c” of “a” both read a.b.c).
const keyOf = (table: string, column: string) => `${table}\u0000${column}`
const shown = (key: string) => key.replace('\u0000', '.')

/** “3 columns: a.x, a.y, b.z” – at most five named, the rest counted. */
function listed(noun: string, items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ')
  const more = items.length > SHOWN ? ` and ${items.length - SHOWN} more` : ''
  return `${items.length} ${noun}${items.length === 1 ? '' : 's'}: ${shown}${more}`
}

type Retype = { type: string; transform?: string; detail?: string }
type Retyping = {
  rule: Exclude<MappingRule, 'snake_case' | 'trim' | 'orphans'>
  what: string
  pick: (c: ProfiledColumn) => Retype | null
}

const all = (c: ProfiledColumn, count: number) => c.counts.values > 0 && count === c.counts.values

function retypings(engine: SourceEngine): Retyping[] {
  return [
    {
      rule: 'uuid',
      what: 'UUIDs',
      pick: (c) => (c.isText && c.kind !== 'uuid' && all(c, c.counts.uuid) ? { type: 'uuid' } : null),
    },
    {
      rule: 'epoch',
      what: 'epoch numbers',
      pick: (c) => {
        // A key of epoch numbers is an identifier that happens to look like a time: it stays one.
        if (!NUMBER_KINDS.has(c.kind) || c.isPrimaryKey) return null
        const unit = all(c, c.counts.epochSeconds) ? 'seconds' : all(c, c.counts.epochMillis) ? 'millis' : null
        if (!unit) return null
        const detail = unit === 'seconds' ? 'seconds' : 'milliseconds'
        // SQLite's copy reads a timestamptz column's numbers as epoch seconds or milliseconds by itself.
        return engine === 'sqlite'
          ? { type: 'timestamptz', detail }
          : { type: 'timestamptz', transform: epochTransform(c.name, unit), detail }
      },
    },
    {
      rule: 'boolean',
      what: '0/1 or true/false',
      pick: (c) => (c.isText && all(c, c.counts.boolean) ? { type: 'boolean' } : null),
    },
    { rule: 'json', what: 'JSON', pick: (c) => (c.isText && all(c, c.counts.json) ? { type: 'jsonb' } : null) },
  ]
}

/** Both sides of every foreign key, column by column, as `table.column` pairs; a side outside the profile is null. */
function keyLinks(profile: SourceProfile): [string, string | null][] {
  const profiled = new Set(profile.tables.flatMap((t) => t.columns.map((c) => keyOf(t.name, c.name))))
  return profile.tables.flatMap((t) =>
    t.foreignKeys.flatMap((fk) =>
      fk.columns.map<[string, string | null]>((column, i) => {
        const parent = fk.references[i]
        const other = fk.parentSchema === undefined && parent ? keyOf(fk.parent, parent) : null
        return [keyOf(t.name, column), other && profiled.has(other) ? other : null]
      }),
    ),
  )
}

function retypeSuggestion(profile: SourceProfile, engine: SourceEngine, r: Retyping): RuleSuggestion | null {
  const picked = new Map<string, Retype>()
  for (const t of profile.tables)
    for (const c of t.columns) {
      const retype = r.pick(c)
      if (retype) picked.set(keyOf(t.name, c.name), retype)
    }
  // Both sides of a foreign key change type together, or neither does: the target could not create the key.
  const notes: string[] = []
  const links = keyLinks(profile)
  for (let changed = true; changed;) {
    changed = false
    for (const [child, parent] of links) {
      const a = picked.get(child)
      const b = parent === null ? undefined : picked.get(parent)
      if ((a === undefined) === (b === undefined) && (!a || a.type === b?.type)) continue
      picked.delete(child)
      if (parent !== null) picked.delete(parent)
      notes.push(
        parent === null
          ? `${shown(child)} is kept as it is: the table it references is not part of this source`
          : `${shown(child)} and ${shown(parent)} are kept as they are: a foreign key joins them and not both hold only ${r.what}`,
      )
      changed = true
    }
  }
  if (!picked.size) return null
  const tables: TTableMapping[] = profile.tables
    .map((t) => ({
      table: t.name,
      columns: t.columns.flatMap<TColumnMapping>((c) => {
        const p = picked.get(keyOf(t.name, c.name))
        return p
          ? [{ column: c.name, type: p.type, ...(p.transform ? { transform: p.transform } : {}), rule: r.rule }]
          : []
      }),
    }))
    .filter((t) => t.columns.length)
  const names = [...picked].map(([key, p]) => (p.detail ? `${shown(key)} (${p.detail})` : shown(key)))
  if (r.rule === 'epoch')
    notes.unshift(
      engine === 'sqlite'
        ? 'no transform is needed: the copy reads the numbers of a timestamptz column as epoch seconds or milliseconds, decided over the whole column'
        : 'each is read through to_timestamp(), milliseconds divided by 1,000',
    )
  return suggestion(r.rule, listed('column', names), notes, tables)
}

function suggestion(rule: MappingRule, head: string, notes: string[], tables: TTableMapping[]): RuleSuggestion {
  const summary = notes.length ? `${head}. ${notes.map((n) => n[0]?.toUpperCase() + n.slice(1)).join('. ')}.` : head
  return { rule, label: RULE_LABELS[rule], summary, notes, mapping: { tables } }
}

/** New names, each `from` → its snake_case, except those two would end up sharing (or longer than PostgreSQL takes). */
function snakeNames(names: readonly string[], where: (name: string) => string, notes: string[]): Map<string, string> {
  const target = new Map(names.map((n) => [n, snakeCase(n)]))
  const count = new Map<string, number>()
  for (const to of target.values()) count.set(to, (count.get(to) ?? 0) + 1)
  const renames = new Map<string, string>()
  for (const [from, to] of target) {
    if (to === from) continue
    if ((count.get(to) ?? 0) > 1) {
      const others = names.filter((n) => n !== from && target.get(n) === to).map((n) => `“${n}”`)
      notes.push(`${where(from)} keeps its name: “${to}” would also be the name of ${others.join(', ')}`)
    } else if (!to.replace(/_/g, '') || new TextEncoder().encode(to).length > IDENTIFIER_BYTES)
      notes.push(`${where(from)} keeps its name: “${to}” is not a name PostgreSQL takes`)
    else renames.set(from, to)
  }
  return renames
}

function snakeCaseSuggestion(profile: SourceProfile): RuleSuggestion | null {
  const notes: string[] = []
  const tableRenames = snakeNames(
    profile.tables.map((t) => t.name),
    (n) => `the table ${n}`,
    notes,
  )
  let columnCount = 0
  const tables = profile.tables.flatMap<TTableMapping>((t) => {
    const renames = snakeNames(
      t.columns.map((c) => c.name),
      (n) => at(t.name, n),
      notes,
    )
    columnCount += renames.size
    const rename = tableRenames.get(t.name)
    if (!rename && !renames.size) return []
    return [
      {
        table: t.name,
        ...(rename ? { rename, renameRule: 'snake_case' as const } : {}),
        columns: [...renames].map(([column, to]) => ({ column, rename: to, renameRule: 'snake_case' as const })),
      },
    ]
  })
  if (!tables.length) return null
  const examples = tables
    .flatMap((t) => [
      ...(t.rename ? [`${t.table} → ${t.rename}`] : []),
      ...t.columns.map((c) => `${at(t.table, c.column)} → ${c.rename}`),
    ])
    .slice(0, 3)
  const counted = (n: number, noun: string) => (n ? [`${n} ${noun}${n === 1 ? '' : 's'}`] : [])
  const head = `${[...counted(tableRenames.size, 'table'), ...counted(columnCount, 'column')].join(' and ')} renamed, e.g. ${examples.join(', ')}`
  return suggestion('snake_case', head, notes, tables)
}

function trimSuggestion(profile: SourceProfile): RuleSuggestion | null {
  const keys = new Set(keyLinks(profile).flatMap(([a, b]) => (b ? [a, b] : [a])))
  const notes: string[] = []
  const names: string[] = []
  const tables = profile.tables.flatMap<TTableMapping>((t) => {
    const columns = t.columns.flatMap<TColumnMapping>((c) => {
      // A column the text rules retype loses its spaces there (boolean and JSON values are read trimmed).
      if (!c.isText || !c.counts.padded || all(c, c.counts.boolean) || all(c, c.counts.json)) return []
      const name = at(t.name, c.name)
      if (c.isPrimaryKey || c.isUnique || keys.has(keyOf(t.name, c.name))) {
        notes.push(`${name} is a key, kept as it is: trimmed, two values could become one, or miss their parent`)
        return []
      }
      names.push(`${name} (${c.counts.padded} of ${c.counts.values})`)
      return [{ column: c.name, transform: trimTransform(c.name), rule: 'trim' }]
    })
    return columns.length ? [{ table: t.name, columns }] : []
  })
  return tables.length ? suggestion('trim', listed('column', names), notes, tables) : null
}

function orphanSuggestion(profile: SourceProfile): RuleSuggestion | null {
  const notes: string[] = []
  const found: string[] = []
  const tables = profile.tables.flatMap<TTableMapping>((t) => {
    const keys = t.foreignKeys.filter((fk) => {
      const parent = fk.references.length ? at(fk.parent, fk.references.join(', ')) : fk.parent
      const name = `${at(t.name, fk.columns.join(', '))} → ${parent}`
      if (fk.orphans === null) {
        if (fk.note) notes.push(`${name}: ${fk.note}`)
        return false
      }
      if (fk.orphans > 0) found.push(`${name} (${fk.orphans} row${fk.orphans === 1 ? '' : 's'})`)
      return fk.orphans > 0
    })
    if (!keys.length) return []
    const filters = keys.map((fk) => orphanFilter(t.name, fk))
    const filter = filters.length === 1 ? (filters[0] ?? '') : filters.map((f) => `(${f})`).join(' AND ')
    return [{ table: t.name, filter, filterRule: 'orphans' as const, columns: [] }]
  })
  if (!tables.length) return null
  const filtered = new Set(tables.map((t) => t.table))
  for (const t of profile.tables)
    for (const fk of t.foreignKeys)
      if (fk.parentSchema === undefined && filtered.has(fk.parent))
        notes.push(`rows of ${t.name} that reference dropped rows of ${fk.parent} are not dropped with them`)
  return suggestion('orphans', listed('foreign key', found), [...new Set(notes)], tables)
}

/** The rules that apply to this source, in MAPPING_RULES order, each with the entries it would write. */
export function suggestRules(profile: SourceProfile, engine: SourceEngine): RuleSuggestion[] {
  const byRule: Partial<Record<MappingRule, RuleSuggestion | null>> = {
    snake_case: snakeCaseSuggestion(profile),
    trim: trimSuggestion(profile),
    orphans: orphanSuggestion(profile),
  }
  for (const r of retypings(engine)) byRule[r.rule] = retypeSuggestion(profile, engine, r)
  return MAPPING_RULES.flatMap((rule) => byRule[rule] ?? [])
}
