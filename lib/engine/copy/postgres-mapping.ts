import type pg from 'pg'
import { columnMappingOf, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TColumnMapping, TCopyMapping } from '@/lib/domain/mapping'
import { CopyRefused } from './options'

// A mapping on a PostgreSQL source: checked against the schema as read (every name it uses exists, every
// expression reads) before anything changes on the target, and applied to a table's columns – those it leaves
// out gone, the others carrying their rule.

/** What a mapping needs to know of a source table (postgres-source.ts's PgTable has it). */
type Table<C extends Column = Column> = { name: string; primaryKey: string[]; columns: C[] }
type Column = { name: string; generated: string; default: string | null }

export type Mapped<C> = C & { rule?: TColumnMapping }

/** The columns a table keeps under `mapping`, each with its rule (same objects as the table's, for identity checks). */
export function mappedColumns<C extends Column>(t: Table<C>, mapping: TCopyMapping): Mapped<C>[] {
  if (!tableMappingOf(mapping, t.name)) return t.columns
  return t.columns.flatMap((c) => {
    const rule = columnMappingOf(mapping, t.name, c.name)
    if (rule?.omit) return []
    return rule ? [Object.assign(c, { rule })] : [c]
  })
}

/** Throws CopyRefused naming the first rule the source cannot follow; `rowsOf`: how a table's own rows are read. */
export async function checkPostgresMapping<T extends Table>(
  client: pg.Client,
  tables: readonly T[],
  mapping: TCopyMapping,
  rowsOf: (t: T) => string,
) {
  const unknown = mapping.tables.filter((m) => !tables.some((t) => t.name === m.table)).map((m) => `“${m.table}”`)
  if (unknown.length)
    throw new CopyRefused(`The mapping names ${unknown.join(', ')}, which the source does not have as a table.`)
  for (const m of mapping.tables) {
    const t = tables.find((x) => x.name === m.table) as T
    const clash = m.rename && tables.find((x) => x.name === m.rename && !tableMappingOf(mapping, x.name)?.rename)
    if (clash && clash !== t)
      throw new CopyRefused(
        `The mapping renames ${t.name} to “${m.rename}”, which the source's ${clash.name} is called already; rename that one too, or choose another name.`,
      )
    for (const c of m.columns) {
      const column = t.columns.find((x) => x.name === c.column)
      if (!column)
        throw new CopyRefused(`The mapping names the column ${t.name}.${c.column}, which the source does not have.`)
      if (c.omit && t.primaryKey.includes(c.column))
        throw new CopyRefused(
          `${t.name}.${c.column} is part of the primary key; it cannot be left out (rename or transform it instead).`,
        )
      if (c.omit && t.columns.some((x) => x.generated && x.default?.includes(c.column)))
        throw new CopyRefused(`${t.name}.${c.column} is used by a generated column; it cannot be left out.`)
    }
    const expressions = [
      ...(m.filter ? [{ what: `filter of ${t.name}`, sql: `SELECT 1 FROM ${rowsOf(t)} WHERE ${m.filter}` }] : []),
      ...m.columns.flatMap((c) =>
        c.transform
          ? [{ what: `transform of ${t.name}.${c.column}`, sql: `SELECT (${c.transform}) FROM ${rowsOf(t)}` }]
          : [],
      ),
    ]
    // Planned, not run: EXPLAIN reads the names and types without reading a row or calling a function.
    for (const e of expressions)
      await client.query(`EXPLAIN ${e.sql}`).catch((error: Error) => {
        throw new CopyRefused(`The ${e.what} cannot be read by PostgreSQL: ${error.message}.`)
      })
  }
}
