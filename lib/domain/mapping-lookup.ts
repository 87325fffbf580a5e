import type { TCopyMapping } from './mapping'

// Reading a mapping that is already checked (mapping.ts checks it): plain functions without zod, so the copy and
// validation engines, which only look entries up, load none of the schema library at start.

export const EMPTY_MAPPING: TCopyMapping = { tables: [] }

export const isEmptyMapping = (m: TCopyMapping) => m.tables.length === 0

/** The entry of a source table, if the mapping has one. */
export const tableMappingOf = (m: TCopyMapping, table: string) => m.tables.find((t) => t.table === table)

/** The entry of a source column, if the mapping has one. */
export const columnMappingOf = (m: TCopyMapping, table: string, column: string) =>
  tableMappingOf(m, table)?.columns.find((c) => c.column === column)

/**
 * The part of a mapping about one schema of a PostgreSQL source, its tables named without the schema: a table
 * of public is named as it is, one of another schema `schema.table` (as a copy step names tables).
 */
export function schemaMapping(m: TCopyMapping, schema: string): TCopyMapping {
  const prefix = `${schema}.`
  return {
    tables: m.tables.flatMap((t) =>
      t.table.startsWith(prefix)
        ? [{ ...t, table: t.table.slice(prefix.length) }]
        : schema === 'public' && !t.table.includes('.')
          ? [t]
          : [],
    ),
  }
}
