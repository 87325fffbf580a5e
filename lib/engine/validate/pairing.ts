// Which source table or column a target one is: the same name, or – for a target loaded by another tool that
// folded names to lower case (PostgreSQL does, for every unquoted name) – the one name that is equal ignoring
// case on both sides. Anything else stays unpaired, to be named as such.

export type Pairing<T extends { name: string }> = {
  pairs: { source: T; target: T }[]
  sourceOnly: T[]
  targetOnly: T[]
  /** Pairs matched only ignoring case, as "Source ↔ target", for the report's notes. */
  folded: string[]
}

export function pairByName<T extends { name: string }>(source: readonly T[], target: readonly T[]): Pairing<T> {
  const exact = new Map(target.map((t) => [t.name, t]))
  const pairs: { source: T; target: T }[] = []
  const unmatched: T[] = []
  for (const s of source) {
    const t = exact.get(s.name)
    if (t) pairs.push({ source: s, target: t })
    else unmatched.push(s)
  }
  const taken = new Set(pairs.map((p) => p.target))
  const rest = target.filter((t) => !taken.has(t))
  const fold = (name: string) => name.toLowerCase()
  const count = <U extends { name: string }>(items: readonly U[], name: string) =>
    items.filter((i) => fold(i.name) === fold(name)).length
  const folded: string[] = []
  const sourceOnly: T[] = []
  for (const s of unmatched) {
    const candidates = rest.filter((t) => fold(t.name) === fold(s.name))
    const match = candidates.length === 1 && count(unmatched, s.name) === 1 ? candidates[0] : undefined
    if (match) {
      pairs.push({ source: s, target: match })
      taken.add(match)
      folded.push(`${s.name} ↔ ${match.name}`)
    } else sourceOnly.push(s)
  }
  return { pairs, sourceOnly, targetOnly: target.filter((t) => !taken.has(t)), folded }
}

type Shape = {
  name: string
  columns: { name: string }[]
  primaryKey: string[]
  uniques: string[][]
  foreignKeys: { columns: string[]; table: string; refColumns: string[] }[]
}

/**
 * The source's table described in the target's names, for the checks that read the target by the source's
 * constraints: its name, columns, keys and references renamed through the pairings (names without a pair stay).
 */
export function inTargetNames<T extends Shape>(
  table: T,
  tableName: (source: string) => string | undefined,
  columnName: (sourceTable: string, column: string) => string | undefined,
): T {
  const col = (t: string) => (c: string) => columnName(t, c) ?? c
  const own = col(table.name)
  return {
    ...table,
    name: tableName(table.name) ?? table.name,
    columns: table.columns.map((c) => ({ ...c, name: own(c.name) })),
    primaryKey: table.primaryKey.map(own),
    uniques: table.uniques.map((u) => u.map(own)),
    foreignKeys: table.foreignKeys.map((f) => ({
      ...f,
      columns: f.columns.map(own),
      table: tableName(f.table) ?? f.table,
      refColumns: f.refColumns.map(col(f.table)),
    })),
  }
}
