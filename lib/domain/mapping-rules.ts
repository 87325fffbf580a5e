import {
  MAPPING_RULES,
  RULE_LABELS,
  snakeCase,
  type MappingRule,
  type TColumnMapping,
  type TCopyMapping,
  type TTableMapping,
} from './mapping'

// The one-click rules of a copy's mapping: each reads a profile of the source (what its columns hold, counted
// over a sample, and its orphaned rows, counted exactly) and writes the mapping entries that data calls for –
// never more – labelled with the rule, so that a person sees which rule wrote what and can edit or remove it.

/** Rows per table whose values a profile counts (the first rows the source returns); orphans are counted over all rows. */
export const PROFILE_SAMPLE_ROWS = 10_000

/** Unix time of 1990-01-01 and 2100-01-01: a number between them (or 1,000 times them) is read as a plausible epoch. */
export const EPOCH_SECONDS_RANGE = { min: 631_152_000, max: 4_102_444_800 } as const

/** The value kind the copy gives a column on the target (as lib/engine/copy/sqlite-types.ts names them). */
export type ColumnKind =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double'
  | 'boolean'
  | 'text'
  | 'varchar'
  | 'bytea'
  | 'date'
  | 'time'
  | 'timestamptz'
  | 'timestamp'
  | 'jsonb'
  | 'uuid'

/** Non-null values of a column in the sample, and how many of them hold what each rule looks for. */
export type ColumnCounts = {
  values: number
  /** Canonical UUID text (8-4-4-4-12 hexadecimal digits). */
  uuid: number
  /** Numbers in EPOCH_SECONDS_RANGE, and numbers in it × 1,000. */
  epochSeconds: number
  epochMillis: number
  /** '0', '1', 'true' or 'false', in any case. */
  boolean: number
  /** Text that parses as a JSON object or array. */
  json: number
  /** Text with spaces before or after it (what trim() removes). */
  padded: number
}

export type ProfiledColumn = {
  name: string
  /** The type as the source declares it (SQLite) or prints it (PostgreSQL's format_type). */
  sourceType: string
  kind: ColumnKind
  /** Plain text (not an enum, domain or other type that merely travels as text): what the text rules may retype. */
  isText: boolean
  isPrimaryKey: boolean
  /** Unique on its own (a one-column primary key, unique constraint or unique index). */
  isUnique: boolean
  counts: ColumnCounts
}

export type ProfiledForeignKey = {
  columns: string[]
  /** The parent table, and its schema when it is not the profiled one (PostgreSQL). */
  parent: string
  parentSchema?: string
  references: string[]
  /** Child rows whose key is set and has no parent; null when it could not be counted (`note` says why). */
  orphans: number | null
  note?: string
}

export type ProfiledTable = {
  name: string
  /** Rows in the sample (at most PROFILE_SAMPLE_ROWS). */
  sampled: number
  columns: ProfiledColumn[]
  foreignKeys: ProfiledForeignKey[]
}

/** What the rules need to know of a source: plain data, sent to the browser as it is. */
export type SourceProfile = { sampleRows: number; tables: ProfiledTable[] }

export type SourceEngine = 'sqlite' | 'postgres'

/** A rule as it would apply to one source: the entries it writes, and in a sentence or two what and why. */
export type RuleSuggestion = {
  rule: MappingRule
  label: string
  summary: string
  /** What the rule leaves alone and why (name clashes, keys, foreign keys whose sides disagree). */
  notes: string[]
  mapping: TCopyMapping
}

/** An identifier in SQLite and PostgreSQL alike: double quotes, an inner one doubled. */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`

const NUMBER_KINDS = new Set<ColumnKind>(['smallint', 'integer', 'bigint', 'numeric', 'double'])
const IDENTIFIER_BYTES = 63
const SHOWN = 5

const at = (table: string, column: string) => `${table}.${column}`

/** “3 columns: a.x, a.y, b.z” – at most five named, the rest counted. */
function listed(noun: string, items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ')
  const more = items.length > SHOWN ? ` and ${items.length - SHOWN} more` : ''
  return `${items.length} ${noun}${items.length === 1 ? '' : 's'}: ${shown}${more}`
}

const epochTransform = (column: string, unit: 'seconds' | 'millis') =>
  unit === 'seconds' ? `to_timestamp(${quoteName(column)})` : `to_timestamp(${quoteName(column)} / 1000.0)`
const trimTransform = (column: string) => `trim(${quoteName(column)})`

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
        if (!NUMBER_KINDS.has(c.kind)) return null
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
  const profiled = new Set(profile.tables.flatMap((t) => t.columns.map((c) => at(t.name, c.name))))
  return profile.tables.flatMap((t) =>
    t.foreignKeys.flatMap((fk) =>
      fk.columns.map<[string, string | null]>((column, i) => {
        const parent = fk.references[i]
        const other = fk.parentSchema === undefined && parent ? at(fk.parent, parent) : null
        return [at(t.name, column), other && profiled.has(other) ? other : null]
      }),
    ),
  )
}

function retypeSuggestion(profile: SourceProfile, engine: SourceEngine, r: Retyping): RuleSuggestion | null {
  const picked = new Map<string, Retype>()
  for (const t of profile.tables)
    for (const c of t.columns) {
      const retype = r.pick(c)
      if (retype) picked.set(at(t.name, c.name), retype)
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
          ? `${child} is kept as it is: the table it references is not part of this source`
          : `${child} and ${parent} are kept as they are: a foreign key joins them and not both hold only ${r.what}`,
      )
      changed = true
    }
  }
  if (!picked.size) return null
  const tables: TTableMapping[] = profile.tables
    .map((t) => ({
      table: t.name,
      columns: t.columns.flatMap<TColumnMapping>((c) => {
        const p = picked.get(at(t.name, c.name))
        return p
          ? [{ column: c.name, type: p.type, ...(p.transform ? { transform: p.transform } : {}), rule: r.rule }]
          : []
      }),
    }))
    .filter((t) => t.columns.length)
  const names = [...picked].map(([name, p]) => (p.detail ? `${name} (${p.detail})` : name))
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
      if (c.isPrimaryKey || c.isUnique || keys.has(name)) {
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

/** The filter that keeps a row whose foreign key is unset or has its parent (a multi-column key: every part set). */
export function orphanFilter(table: string, fk: ProfiledForeignKey): string {
  let alias = 'p'
  for (let i = 2; alias.toLowerCase() === table.toLowerCase(); i++) alias = `p${i}`
  const parent = `${fk.parentSchema !== undefined ? `${quoteName(fk.parentSchema)}.` : ''}${quoteName(fk.parent)}`
  const unset = fk.columns.map((c) => `${quoteName(c)} IS NULL OR `).join('')
  const match = fk.columns
    .map((c, i) => `${quoteName(alias)}.${quoteName(fk.references[i] ?? '')} = ${quoteName(table)}.${quoteName(c)}`)
    .join(' AND ')
  return `${unset}EXISTS (SELECT 1 FROM ${parent} AS ${quoteName(alias)} WHERE ${match})`
}

const Q = '"(?:[^"]|"")+"'
const ORPHAN_CLAUSE = `(?:${Q} IS NULL OR )+EXISTS \\(SELECT 1 FROM (?:${Q}\\.)?${Q} AS ${Q} WHERE ${Q}\\.${Q} = ${Q}\\.${Q}(?: AND ${Q}\\.${Q} = ${Q}\\.${Q})*\\)`
const ORPHAN_FILTER = new RegExp(`^(?:${ORPHAN_CLAUSE}|\\(${ORPHAN_CLAUSE}\\)(?: AND \\(${ORPHAN_CLAUSE}\\))+)$`)

function orphanSuggestion(profile: SourceProfile): RuleSuggestion | null {
  const notes: string[] = []
  const found: string[] = []
  const tables = profile.tables.flatMap<TTableMapping>((t) => {
    const keys = t.foreignKeys.filter((fk) => {
      const name = `${at(t.name, fk.columns.join(', '))} → ${at(fk.parent, fk.references.join(', '))}`
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
      if (fk.parentSchema === undefined && filtered.has(fk.parent) && fk.parent !== t.name)
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

/** Whether a column's type and transform are still exactly what `rule` writes (not edited by hand since). */
function isRuleOutput(rule: MappingRule, c: TColumnMapping): boolean {
  const transform = c.transform
  switch (rule) {
    case 'uuid':
      return c.type === 'uuid' && transform === undefined
    case 'boolean':
      return c.type === 'boolean' && transform === undefined
    case 'json':
      return c.type === 'jsonb' && transform === undefined
    case 'epoch':
      return (
        c.type === 'timestamptz' &&
        (transform === undefined ||
          transform === epochTransform(c.column, 'seconds') ||
          transform === epochTransform(c.column, 'millis'))
      )
    case 'trim':
      return c.type === undefined && transform === trimTransform(c.column)
    default:
      return false
  }
}

const hasValueRule = (c: TColumnMapping) => c.type !== undefined || c.transform !== undefined
const targetOf = (c: TColumnMapping) => c.rename ?? c.column

/**
 * Merges a rule's entries into a mapping. What a person (or another rule) wrote wins: a rule writes a name, a
 * type and transform, or a filter only where there is none yet, or where it wrote it itself and nobody has
 * changed it since (applying a rule again refreshes its own entries). It never touches a left-out column, and
 * never renames a table or column to a name another entry already ends up with.
 */
export function applyRule(current: TCopyMapping, s: Pick<RuleSuggestion, 'rule' | 'mapping'>): TCopyMapping {
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
      (table.filter === undefined || (table.filterRule === s.rule && ORPHAN_FILTER.test(table.filter)))
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
      if (rule === 'orphans' && table.filter !== undefined && ORPHAN_FILTER.test(table.filter)) delete table.filter
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
