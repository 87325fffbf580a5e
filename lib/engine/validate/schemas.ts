import {
  chooseSchemas,
  qualifiedName,
  readSourceSchemas,
  unreadableReason,
  type SchemaChoice,
} from '@/lib/engine/copy/pg-schemas'
import { openTargetConnection } from '@/lib/targets/sql/session'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { plural } from '@/lib/domain/words'
import { runValidation } from './engine'
import type { ValidationOptions } from './model'
import { EMPTY_MAPPING, schemaMapping, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { postgresSide } from './postgres-side'

// A PostgreSQL source validated as it is copied: every schema that holds tables (or those chosen), each
// against the schema of the same name on the target, one report for all – tables named `schema.table`
// outside public. A schema the target lacks fails its tables; one the source's role may not read fails the
// validation: neither is ever shown equal.

export type SchemasValidationOptions = ValidationOptions & {
  /** The copy's mapping (tables of schemas other than public named `schema.table`). */
  mapping?: TCopyMapping
  schemas?: readonly string[]
  sourceLabel?: string
  targetLabel?: string
}

async function chooseForValidation(from: PostgresTarget, options: SchemasValidationOptions): Promise<SchemaChoice> {
  const client = await openTargetConnection(from, 'lockstep validate (schemas)')
  try {
    return chooseSchemas(await readSourceSchemas(client), { schemas: options.schemas, tables: options.tables })
  } finally {
    await client.end().catch(() => undefined)
  }
}

const inSchema = (schema: string, line: string) => (schema === 'public' ? line : `Schema ${schema}: ${line}`)

/** Validates the target against every chosen schema of the source; throws when a database cannot be read. */
export async function validateSchemas(
  from: PostgresTarget,
  to: PostgresTarget,
  options: SchemasValidationOptions = {},
): Promise<ValidationReport> {
  const started = performance.now()
  const choice = await chooseForValidation(from, options)
  const report: ValidationReport = {
    status: 'RUNNING',
    source: options.sourceLabel ?? `${from.host}:${from.port}/${from.database}`,
    target: options.targetLabel ?? `${to.host}:${to.port}/${to.database}`,
    tables: [],
    integrity: [],
    integrityChecked: 0,
    rules: [],
    warnings: [],
    seconds: 0,
  }
  if (choice.notChosen.length)
    report.warnings.push(
      `Not chosen, so not validated: the source's tables in the schema${choice.notChosen.length === 1 ? '' : 's'} ${choice.notChosen.map((s) => `${s.schema} (${plural(s.tables, 'table')})`).join(', ')}.`,
    )
  for (const s of choice.unreadable) report.warnings.push(`Not validated: ${unreadableReason(s)}.`)
  const done: ValidationReport[] = []
  const merged = (live: ValidationReport | null, schemas: readonly string[]): ValidationReport => {
    const parts = live ? [...done, live] : done
    const named = (i: number, table: string) => qualifiedName(schemas[i] as string, table)
    return {
      ...report,
      tables: parts.flatMap((r, i) => r.tables.map((t) => ({ ...t, table: named(i, t.table) }))),
      integrity: parts.flatMap((r, i) =>
        r.integrity.map((f) => ({
          ...f,
          table: named(i, f.table),
          ...(f.references ? { references: { ...f.references, table: named(i, f.references.table) } } : {}),
        })),
      ),
      integrityChecked: parts.reduce((n, r) => n + r.integrityChecked, 0),
      rules: parts.flatMap((r) => r.rules),
      warnings: [
        ...report.warnings,
        ...parts.flatMap((r, i) => r.warnings.map((w) => inSchema(schemas[i] as string, w))),
      ],
      seconds: (performance.now() - started) / 1000,
    }
  }
  const schemas = choice.picked.map((p) => p.schema)
  for (const [i, pick] of choice.picked.entries()) {
    const mapping = schemaMapping(options.mapping ?? EMPTY_MAPPING, pick.schema)
    const source = postgresSide(from, { schema: pick.schema, label: report.source, mapping })
    const target = postgresSide(to, { schema: pick.schema, label: report.target })
    try {
      const absent = !(
        await (
          await target.client()
        ).query<{ found: boolean }>(`SELECT to_regnamespace($1) IS NOT NULL AS found`, [quoteIdent(pick.schema)])
      ).rows[0]?.found
      const result = await runValidation(source, target, {
        ...options,
        tables: pick.tables?.map((t) => tableMappingOf(mapping, t)?.rename ?? t) ?? undefined,
        // The plan's custom rules name their own tables: they run once, with the last schema.
        rules: i === choice.picked.length - 1 ? options.rules : undefined,
        onProgress: (live) => options.onProgress?.(merged({ ...live, status: 'RUNNING' }, schemas)),
      })
      if (absent)
        for (const t of result.tables)
          if (t.state === 'ERROR')
            t.error = `The target has no schema “${pick.schema}” (where the copy puts this table).`
      done.push(result)
      if (result.status === 'CANCELLED') break
    } catch (error) {
      throw new Error(inSchema(pick.schema, (error as Error).message))
    } finally {
      await Promise.all([source.close(), target.close()])
    }
  }
  const final = merged(null, schemas)
  const statuses = done.map((r) => r.status)
  final.status = statuses.includes('CANCELLED')
    ? 'CANCELLED'
    : statuses.includes('FAILED') || choice.unreadable.length
      ? 'FAILED'
      : 'PASSED'
  options.onProgress?.(final)
  return final
}
