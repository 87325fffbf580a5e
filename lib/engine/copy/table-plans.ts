import type pg from 'pg'
import { quoteIdent } from '@/lib/targets/quote'
import { mergePlan, type MergePlan } from './existing-rows'
import type { ColumnPlan, CopyFormat, SourceTable } from './model'
import { CopyRefused, type CopyOptions } from './options'
import { catalogTypeOf } from './sqlite-types'

// How each table's rows go into the target: which source column lands in which target column, in which COPY
// format, and – when merging into rows already there – through which staging table.

export type TablePlan = {
  source: SourceTable
  columns: ColumnPlan[]
  format: CopyFormat
  copySql: string
  merge: MergePlan | null
}

export type TargetColumn = {
  table: string
  name: string
  type: string
  notNull: boolean
  hasDefault: boolean
  identity: boolean
  generated: boolean
  serial: boolean
}

export async function targetColumns(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<TargetColumn[]> {
  const { rows } = await client.query<TargetColumn>(
    `SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull", a.atthasdef AS "hasDefault",
            a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated, pg_get_serial_sequence(quote_ident($1) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL AS serial
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY ($2) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
    [schema, tables],
  )
  return rows
}

/** Which source columns go where on an existing table, or why the copy cannot go there. */
function mapColumns(table: SourceTable, target: TargetColumn[], warnings: string[]): ColumnPlan[] {
  const writable = target.filter((c) => !c.generated)
  const columns: ColumnPlan[] = []
  for (const column of table.columns) {
    const wanted = column.targetName ?? column.name
    const match =
      writable.find((c) => c.name === wanted) ??
      writable.filter((c) => c.name.toLowerCase() === wanted.toLowerCase()).at(0)
    if (!match) {
      warnings.push(`${table.name}.${column.name}: the target table has no such column; not copied`)
      continue
    }
    columns.push({ name: column.name, type: catalogTypeOf(match.type), targetName: match.name, notNull: match.notNull })
  }
  const required = writable.filter(
    (c) => c.notNull && !c.hasDefault && !c.identity && !columns.some((p) => p.targetName === c.name),
  )
  if (required.length)
    throw new CopyRefused(
      `The target table ${table.name} requires ${required.map((c) => `“${c.name}”`).join(', ')}, which the source does not have.`,
    )
  return columns
}

/** Each table's plan, from the target's columns as they are now (made by this copy, or by the application). */
export async function planTables(
  o: CopyOptions,
  schema: string,
  tables: readonly SourceTable[],
  warnings: string[],
): Promise<Map<string, TablePlan>> {
  const present = await targetColumns(
    o.session,
    schema,
    tables.map((t) => t.name),
  )
  const plans = new Map<string, TablePlan>()
  for (const t of tables) {
    const columns = mapColumns(
      t,
      present.filter((c) => c.table === t.name),
      warnings,
    )
    if (o.mode === 'create') columns.forEach((c, i) => (c.type = t.columns[i]?.type ?? c.type)) // the source's own types decide
    const targetTypes = columns.map(
      (c) => present.find((p) => p.table === t.name && p.name === c.targetName)?.type ?? '',
    )
    // The columns as they are copied (those the target has, in its order), each with its type on the target.
    const format = o.source.formatFor({ ...t, columns }, targetTypes)
    const names = columns.map((c) => c.targetName ?? c.name)
    const merge =
      o.mode === 'existing' && o.existingRows === 'merge'
        ? await mergePlan(o.session, schema, t.name, names).catch((error: Error) =>
            Promise.reject(new CopyRefused(error.message)),
          )
        : null
    const into = merge?.stage ?? `${quoteIdent(schema)}.${quoteIdent(t.name)}`
    plans.set(t.name, {
      source: t,
      columns,
      format,
      merge,
      copySql: `COPY ${into} (${names.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT ${format})`,
    })
  }
  return plans
}
