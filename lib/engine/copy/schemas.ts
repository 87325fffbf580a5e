import type pg from 'pg'
import { openTargetConnection } from '@/lib/targets/sql/session'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { CopyRefused, RowsOnTarget, runCopy, undoCopy, type CopyOptions } from './engine'
import type { CopySummary, NotCopied, RejectedRow, TableProgress } from './model'
import {
  chooseSchemas,
  notChosenLine,
  qualifiedName,
  readCrossSchemaKeys,
  readSourceSchemas,
  schemaReferences,
  unreadableReason,
  type CrossSchemaKey,
  type SchemaChoice,
} from './pg-schemas'
import { postgresSource } from './postgres-source'
import { schemaMapping } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'

// A PostgreSQL source copied whole: each of its schemas (or those chosen) by a copy of its own – its own id,
// resume and record on the target, into the schema of the same name – one after the other, schemas that
// others reference first. Foreign keys between schemas are made last, once the tables on both sides are
// loaded; one that cannot be made is reported as not copied, never dropped without a word.

export type SchemasCopyOptions = Omit<CopyOptions, 'copyId' | 'source' | 'schema' | 'tables'> & {
  /** The source database, and how messages name it. */
  from: PostgresTarget
  label?: string
  /** Schemas to copy (empty or absent: every schema with tables); `tables` may name `schema.table`. */
  schemas?: readonly string[]
  tables?: readonly string[]
  /** Renames, types, transforms and filters; tables of schemas other than public named `schema.table`. */
  mapping?: TCopyMapping
  /** The id of one schema's copy: the same source, schema, tables and mode give the same id (and so resume). */
  copyIdFor: (schema: string, tables: readonly string[] | null) => string
  /** Every schema read as the database was at an exported snapshot (a sync's start). */
  snapshot?: string
}

const FOREIGN_KEY_VIOLATION = '23503'

/** Which schemas and tables of the source a copy takes, and the foreign keys between its schemas. */
export async function planSchemas(
  from: PostgresTarget,
  options: { schemas?: readonly string[]; tables?: readonly string[] },
): Promise<{ choice: SchemaChoice; keys: CrossSchemaKey[] }> {
  const client = await openTargetConnection(from, 'lockstep copy (schemas)')
  try {
    const all = await readSourceSchemas(client)
    const keys = await readCrossSchemaKeys(
      client,
      all.filter((s) => s.readable).map((s) => s.schema),
    )
    let choice: SchemaChoice
    try {
      choice = chooseSchemas(all, { ...options, references: schemaReferences(keys) })
    } catch (error) {
      throw new CopyRefused((error as Error).message)
    }
    if (choice.picked.length === 0)
      throw new CopyRefused(
        choice.unreadable.length
          ? `The source has no tables to copy: ${choice.unreadable.map(unreadableReason).join('; ')}.`
          : 'The source has no tables to copy.',
      )
    return { choice, keys }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The source of one schema's copy (a worker loading parts of it builds the same). */
export const schemaSource = (
  from: PostgresTarget,
  o: Pick<SchemasCopyOptions, 'label' | 'mapping' | 'mode' | 'snapshot'> & { schema: string },
) =>
  postgresSource(from, {
    schema: o.schema,
    label: o.label,
    deferCrossSchemaKeys: true,
    mapping: o.mapping && schemaMapping(o.mapping, o.schema),
    mode: o.mode,
    snapshot: o.snapshot,
  })

/** A line of one schema's copy in the summary of all: tables named `schema.table` outside public. */
const inSchema = (schema: string, line: string) => (schema === 'public' ? line : `Schema ${schema}: ${line}`)

/** Copies the chosen schemas of a PostgreSQL source; see SchemasCopyOptions. Never throws for the copy's own failures. */
export async function copySchemas(o: SchemasCopyOptions): Promise<CopySummary> {
  const began = performance.now()
  const { choice, keys } = await planSchemas(o.from, o)
  const summary: CopySummary = {
    status: 'ALREADY_COPIED',
    tables: [],
    warnings: [],
    notes: [],
    notCopied: [],
    seconds: 0,
    indexSeconds: 0,
  }
  const line = notChosenLine(choice)
  if (line) summary.warnings.push(line)
  for (const s of choice.unreadable)
    summary.notCopied?.push({ table: null, object: `schema ${s.schema}`, reason: unreadableReason(s) })
  const live = new Map<string, TableProgress[]>()
  const progress = (workers?: number) =>
    o.onProgress?.(
      choice.picked.flatMap((p) => live.get(p.schema) ?? []),
      workers,
    )
  const finish = () => ({ ...summary, seconds: Math.round((performance.now() - began) / 100) / 10 })

  for (const pick of choice.picked) {
    const { schema } = pick
    const name = (table: string) => qualifiedName(schema, table)
    const source = schemaSource(o.from, { ...o, schema })
    let result: CopySummary
    try {
      result = await runCopy({
        ...o,
        copyId: o.copyIdFor(schema, pick.tables),
        source,
        schema,
        tables: pick.tables ?? undefined,
        log: o.log && ((level, message) => o.log?.(level, inSchema(schema, message))),
        onProgress: (tables, workers) => {
          live.set(
            schema,
            tables.map((t) => ({ ...t, table: name(t.table) })),
          )
          progress(workers)
        },
        onRejects:
          o.onRejects &&
          ((rejects: RejectedRow[]) =>
            o.onRejects?.(rejects.map((r) => ({ ...r, table: name(r.table) }))) ?? Promise.resolve()),
      })
    } catch (error) {
      if (error instanceof RowsOnTarget)
        throw new RowsOnTarget(
          inSchema(schema, error.message),
          error.filled.map((f) => ({ ...f, table: name(f.table) })),
        )
      throw error instanceof CopyRefused ? new CopyRefused(inSchema(schema, error.message)) : error
    } finally {
      await source.close()
    }
    summary.tables.push(...result.tables.map((t) => ({ ...t, table: name(t.table) })))
    summary.warnings.push(...result.warnings.map((w) => inSchema(schema, w)))
    summary.notes?.push(...(result.notes ?? []).map((n) => inSchema(schema, n)))
    // "view vsales" of a schema other than public reads "view sales.vsales", as its tables do.
    const objectIn = (object: string) => object.replace(/ (\S+)$/, (_, last: string) => ` ${name(last)}`)
    summary.notCopied?.push(
      ...(result.notCopied ?? []).map<NotCopied>((n) =>
        n.table === null ? { ...n, object: objectIn(n.object) } : { ...n, table: name(n.table) },
      ),
    )
    summary.indexSeconds += result.indexSeconds
    if (result.status !== 'ALREADY_COPIED') summary.status = result.status
    if (result.status === 'FAILED' || result.status === 'CANCELLED') {
      const rest = choice.picked.slice(choice.picked.indexOf(pick) + 1).map((p) => p.schema)
      if (result.error)
        summary.error = `${inSchema(schema, result.error)}${rest.length ? ` (not started: the schema${rest.length === 1 ? '' : 's'} ${rest.join(', ')})` : ''}`
      return finish()
    }
  }

  // Into existing tables, the target's own foreign keys stand (as within a schema); created tables get the source's.
  if (o.mode === 'create') {
    const added = await addCrossSchemaKeys(o.session, keys, choice, summary, o.log)
    if (added && summary.status === 'ALREADY_COPIED') summary.status = 'SUCCEEDED'
  }
  return finish()
}

/** Adds the foreign keys between the copied schemas the target lacks; how many it added. */
async function addCrossSchemaKeys(
  session: pg.Client,
  keys: readonly CrossSchemaKey[],
  choice: SchemaChoice,
  summary: CopySummary,
  log: SchemasCopyOptions['log'],
): Promise<number> {
  const mine = keys.filter((k) =>
    choice.picked.some((p) => p.schema === k.schema && (p.tables === null || p.tables.includes(k.table))),
  )
  let added = 0
  for (const key of mine) {
    const table = qualifiedName(key.schema, key.table)
    const present = await session.query(
      `SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND k.conname = $3`,
      [key.schema, key.table, key.name],
    )
    if (present.rowCount) continue
    const sql = `ALTER TABLE ${quoteIdent(key.schema)}.${quoteIdent(key.table)} ADD CONSTRAINT ${quoteIdent(key.name)} ${key.definition}`
    const run = async (statement: string) => {
      await session.query('BEGIN')
      try {
        await session.query(statement)
        await session.query('COMMIT')
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined)
        throw error
      }
    }
    try {
      await run(sql)
      added++
    } catch (error) {
      const e = error as Error & { code?: string; detail?: string }
      if (e.code === FOREIGN_KEY_VIOLATION) {
        // As within a schema: the key is added NOT VALID (new rows are checked) and the orphans are reported.
        await run(`${sql} NOT VALID`)
        added++
        const warning = `${table}: ${e.detail ?? e.message} – the foreign key ${key.name} was added NOT VALID (new rows are checked); fix the orphaned rows, then VALIDATE CONSTRAINT.`
        summary.warnings.push(warning)
        log?.('warn', warning)
        continue
      }
      const parent = `${key.refSchema}.${key.refTable}`
      const copied = choice.picked.some(
        (p) => p.schema === key.refSchema && (p.tables === null || p.tables.includes(key.refTable)),
      )
      const reason = `it references ${parent}, ${copied ? 'and' : 'which this copy did not take, and'} PostgreSQL refused it: ${e.message}`
      summary.notCopied?.push({ table, object: `foreign key ${key.name}`, reason })
      log?.('warn', `${table}: foreign key ${key.name} not copied – ${reason}`)
    }
  }
  return added
}

/** Undoes each schema's copy (tables it created dropped, existing tables emptied); the tables, named across schemas. */
export async function undoSchemas(
  session: pg.Client,
  from: PostgresTarget,
  options: { schemas?: readonly string[]; tables?: readonly string[]; copyIdFor: SchemasCopyOptions['copyIdFor'] },
): Promise<string[]> {
  const { choice } = await planSchemas(from, options)
  const undone: string[] = []
  // Children first: the reverse of the load order.
  for (const pick of [...choice.picked].reverse())
    undone.push(
      ...(await undoCopy(session, options.copyIdFor(pick.schema, pick.tables), pick.schema)).map((t) =>
        qualifiedName(pick.schema, t),
      ),
    )
  return undone
}
