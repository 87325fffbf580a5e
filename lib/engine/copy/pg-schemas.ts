import type pg from 'pg'
import { BOOKKEEPING_SCHEMA } from '@/lib/targets/bookkeeping'
import { plural } from '@/lib/domain/words'

// A PostgreSQL source is copied (and validated) schema by schema: every schema that holds tables, except
// PostgreSQL's own and Lockstep's bookkeeping schema, each into the schema of the same name on the target.
// This module lists them, decides which ones a copy takes (all, or those chosen), names tables across
// schemas (`sales.orders`; tables of public keep their bare names) and orders schemas so that a schema
// whose tables others reference is loaded first.

/** A schema of the source with tables; `readable`: the source's role may use it (USAGE). */
export type SourceSchema = { schema: string; tables: number; readable: boolean }

/** The tables of a schema copied, or all of them (null). */
export type SchemaPick = { schema: string; tables: string[] | null }

export type SchemaChoice = {
  /** The schemas to copy, in load order, with their tables. */
  picked: SchemaPick[]
  /** Schemas with tables that were not chosen (by a schema list or a table list): named in the summary. */
  notChosen: SourceSchema[]
  /** Schemas the source's role may not read: left out, and reported as not copied. */
  unreadable: SourceSchema[]
}

const SOURCE_SCHEMAS_SQL = `SELECT n.nspname AS schema, count(*)::int AS tables, has_schema_privilege(n.oid, 'USAGE') AS readable
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  GROUP BY n.oid, n.nspname ORDER BY n.nspname`

/** The source's schemas that hold tables (PostgreSQL's own and `lockstep` left out). */
export async function readSourceSchemas(client: pg.Client): Promise<SourceSchema[]> {
  return (await client.query<SourceSchema>(SOURCE_SCHEMAS_SQL, [BOOKKEEPING_SCHEMA])).rows
}

/** A table as people and the summary name it across schemas: bare in public, `schema.table` elsewhere. */
export const qualifiedName = (schema: string, table: string) => (schema === 'public' ? table : `${schema}.${table}`)

/**
 * A table name of a `tables` list in its schema: `sales.orders` when `sales` is one of the source's schemas,
 * else a table of `fallback` (public, or the one schema chosen) – a table of public may have a dot in its name.
 */
export function splitTableName(
  name: string,
  schemas: readonly string[],
  fallback: string,
): { schema: string; table: string } {
  const dot = name.indexOf('.')
  if (dot > 0 && schemas.includes(name.slice(0, dot))) return { schema: name.slice(0, dot), table: name.slice(dot + 1) }
  return { schema: fallback, table: name }
}

const describe = (s: SourceSchema) => `${s.schema} (${plural(s.tables, 'table')})`

/**
 * Which schemas (and tables) a copy or validation takes: `schemas` chosen, or every readable one; `tables`
 * (qualified as splitTableName reads them) narrows that to the schemas of the tables named. A schema or table
 * the source does not have is an error naming it; `references` (schema → schemas it references) orders them.
 */
export function chooseSchemas(
  all: readonly SourceSchema[],
  options: {
    schemas?: readonly string[]
    tables?: readonly string[]
    references?: ReadonlyMap<string, readonly string[]>
  },
): SchemaChoice {
  const names = all.map((s) => s.schema)
  const chosen = options.schemas?.length ? [...new Set(options.schemas)] : null
  const unknown = (chosen ?? []).filter((s) => !names.includes(s))
  if (unknown.length) {
    throw new Error(
      `The source has no schema ${unknown.map((s) => `“${s}”`).join(', ')} with tables (its schemas with tables: ${names.join(', ') || 'none'}).`,
    )
  }
  const closed = all.filter((s) => !s.readable && (!chosen || chosen.includes(s.schema)))
  if (chosen && closed.length) {
    throw new Error(
      `The source's role may not read the schema ${closed.map((s) => `“${s.schema}”`).join(', ')}: GRANT USAGE ON SCHEMA ${closed.map((s) => s.schema).join(', ')} (and SELECT on its tables) to it.`,
    )
  }
  const explicit = !!chosen || !!options.tables?.length
  let wanted = all.filter((s) => s.readable && (!chosen || chosen.includes(s.schema))).map((s) => s.schema)
  const tables = new Map<string, string[] | null>(wanted.map((s) => [s, null]))
  if (options.tables?.length) {
    // Bare names are public's – or, with exactly one schema chosen, that schema's (`--schema sales --tables orders`).
    const fallback = chosen?.length === 1 ? (chosen[0] as string) : 'public'
    tables.clear()
    for (const name of options.tables) {
      const { schema, table } = splitTableName(name, names, fallback)
      if (!wanted.includes(schema))
        throw new Error(`The table “${name}” is not in a chosen schema (${wanted.join(', ') || 'none'}).`)
      tables.set(schema, [...(tables.get(schema) ?? []), table])
    }
    wanted = wanted.filter((s) => tables.has(s))
  }
  return {
    picked: loadOrder(wanted, options.references ?? new Map()).map((schema) => ({
      schema,
      tables: tables.get(schema) ?? null,
    })),
    // Named schemas or tables are a choice: a schema left out of it is not chosen, readable or not.
    notChosen: all.filter((s) => !wanted.includes(s.schema) && (s.readable || explicit)),
    unreadable: explicit ? [] : closed,
  }
}

/** Schemas in an order where those referenced come first (by name otherwise; a cycle keeps name order). */
export function loadOrder(schemas: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[] {
  const sorted = [...schemas].sort()
  const order: string[] = []
  const visiting = new Set<string>()
  const visit = (schema: string) => {
    if (order.includes(schema) || visiting.has(schema)) return
    visiting.add(schema)
    for (const parent of [...(references.get(schema) ?? [])].sort())
      if (sorted.includes(parent) && parent !== schema) visit(parent)
    visiting.delete(schema)
    order.push(schema)
  }
  for (const schema of sorted) visit(schema)
  return order
}

/** The summary's lines for what a choice leaves out: schemas not chosen (named), and schemas the role may not read. */
export const notChosenLine = (choice: SchemaChoice) =>
  choice.notChosen.length
    ? `Not chosen, so not copied: the source's tables in the schema${choice.notChosen.length === 1 ? '' : 's'} ${choice.notChosen.map(describe).join(', ')}.`
    : null

export const unreadableReason = (s: SourceSchema) =>
  `the source's role may not read the schema ${describe(s)}: GRANT USAGE ON SCHEMA ${s.schema} (and SELECT on its tables) to it`

/** A foreign key from a table of one schema to a table of another: added once both schemas are copied. */
export type CrossSchemaKey = {
  schema: string
  table: string
  name: string
  refSchema: string
  refTable: string
  definition: string
}

/** The source's foreign keys between its schemas (definitions with schema-qualified names), by the schema they leave. */
export async function readCrossSchemaKeys(client: pg.Client, schemas: readonly string[]): Promise<CrossSchemaKey[]> {
  await client.query(`SELECT set_config('search_path', '', false)`)
  const { rows } = await client.query<CrossSchemaKey>(
    `SELECT n.nspname AS schema, c.relname AS "table", k.conname AS name, rn.nspname AS "refSchema", r.relname AS "refTable", pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE k.contype = 'f' AND k.conparentid = 0 AND n.nspname = ANY ($1) AND rn.oid <> n.oid
      ORDER BY n.nspname, c.relname, k.conname`,
    [schemas],
  )
  return rows
}

/** Which schemas each schema's tables reference, from its cross-schema foreign keys. */
export function schemaReferences(keys: readonly CrossSchemaKey[]): Map<string, string[]> {
  const result = new Map<string, string[]>()
  for (const k of keys) {
    result.set(k.schema, [...new Set([...(result.get(k.schema) ?? []), k.refSchema])])
  }
  return result
}
