// What `lockstep sync` and `lockstep cutover` share: the source, the target and the scope given on the command
// line, and the sync id they make – the same arguments give the same id, so a cutover (or a second `sync`)
// finds the sync that the first `lockstep sync` started.
import type pg from 'pg'
import { EMPTY_MAPPING, schemaMapping, tableMappingOf } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import type { SyncSource } from '@/lib/engine/sync/ends'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { flag, isPostgresUrl, mappingOption, names, openSqliteFile, option, targetOption, UsageError } from './cli-args'

export type SyncScopeOptions = {
  json: boolean
  source: SyncSource
  target: PostgresTarget
  syncId: string
  tables?: string[]
  /** PostgreSQL source: the schemas synced; SQLite source: the one target schema (or none: public). */
  schemas?: string[]
  mapping: TCopyMapping
}

const UNDEFINED_TABLE = '42P01'

/** `query`'s answer, or `fallback` when the bookkeeping table it reads was never made on the target. */
export async function unlessMissing<T>(query: Promise<T>, fallback: T): Promise<T> {
  return query.catch((error: { code?: string }) => {
    if (error.code === UNDEFINED_TABLE) return fallback
    throw error
  })
}

/** Reads --from, --to, --tables, --schema/--schemas, --mapping and --json out of `args`. */
export async function syncScope(args: string[]): Promise<SyncScopeOptions> {
  const json = flag(args, '--json')
  const from = option(args, '--from')
  const to = option(args, '--to')
  const tables = names(option(args, '--tables'))
  const schemas = names(option(args, '--schema') ?? option(args, '--schemas'))
  const mapping = (await mappingOption(args)) ?? EMPTY_MAPPING
  if (!from || !to) throw new UsageError('Name the source (--from) and the target (--to).')
  const target = await targetOption(to, '--to')
  const { copyIdOf } = await import('@/lib/engine/copy/options')
  let source: SyncSource
  let identity: string
  if (isPostgresUrl(from)) {
    const url = await targetOption(from, '--from')
    source = { engine: 'postgres', target: url, label: `${url.host}:${url.port}/${url.database}` }
    identity = source.label
  } else {
    if ((schemas?.length ?? 0) > 1)
      throw new UsageError('A SQLite source goes into one schema: --schema takes one name.')
    const { opened, path } = await openSqliteFile(
      from,
      async (path) => (await import('@/lib/engine/copy/sqlite-source')).sqliteSource(path, from),
      (s) => s.tables([]),
    )
    await opened.close()
    source = { engine: 'sqlite', path, label: from }
    identity = path
  }
  // Never the password: the id is printed and stored on the target.
  const syncId = copyIdOf('cli', {
    from: identity,
    to: `${target.host}:${target.port}/${target.database}`,
    tables: tables ?? null,
    schemas: schemas ?? null,
    ...(mapping.tables.length ? { mapping } : {}),
  })
  return { json, source, target, syncId, tables, schemas, mapping }
}

/** Whether the source still holds what records this sync's changes: the capture in the file, or the slot. */
export async function sourceHoldsSync(o: SyncScopeOptions): Promise<boolean> {
  if (o.source.engine === 'sqlite') {
    const { captureOwner } = await import('@/lib/engine/sync/sqlite-capture')
    return captureOwner(o.source.path) === o.syncId
  }
  const [{ replicationNames }, { openTargetConnection }] = await Promise.all([
    import('@/lib/engine/sync/pg-replication'),
    import('@/lib/targets/sql/session'),
  ])
  const client = await openTargetConnection(o.source.target, 'lockstep sync (slot)')
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [
      replicationNames(o.syncId).slot,
    ])
    return rows.length > 0
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The tables of the sync as the target names them (after the mapping's renames), for the sequences. */
export async function syncedTables(o: SyncScopeOptions): Promise<{ schema: string; name: string }[]> {
  if (o.source.engine === 'sqlite') {
    const [{ default: Database }, { readMappedSqliteSchema }] = await Promise.all([
      import('better-sqlite3'),
      import('@/lib/engine/copy/sqlite-mapping'),
    ])
    const db = new Database(o.source.path, { readonly: true, fileMustExist: true })
    try {
      const schema = o.schemas?.[0] ?? 'public'
      return readMappedSqliteSchema(db, o.tables?.length ? o.tables : undefined, o.mapping).map((t) => ({
        schema,
        name: tableMappingOf(o.mapping, t.name)?.rename ?? t.name,
      }))
    } finally {
      db.close()
    }
  }
  const picked = await pickedSchemas(o)
  const [{ sourceTables }, { openTargetConnection }] = await Promise.all([
    import('@/lib/engine/sync/pg-replication'),
    import('@/lib/targets/sql/session'),
  ])
  const client = await openTargetConnection(o.source.target, 'lockstep sync (tables)')
  try {
    return (await sourceTables(client, picked)).map((t) => ({
      schema: t.schema,
      name: tableMappingOf(schemaMapping(o.mapping, t.schema), t.name)?.rename ?? t.name,
    }))
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function pickedSchemas(o: SyncScopeOptions) {
  if (o.source.engine !== 'postgres') return []
  const { planSchemas } = await import('@/lib/engine/copy/schemas')
  return (await planSchemas(o.source.target, { schemas: o.schemas, tables: o.tables })).choice.picked
}

/** The id of the initial copy (of one schema, for a PostgreSQL source): the sync's own, so a resume finds it. */
export const initialCopyId = (syncId: string, schema: string | null) => (schema ? `${syncId}-${schema}` : syncId)

/** Whether the sync's initial copy finished on the target (an interrupted one must run again before following). */
export async function initialCopyDone(o: SyncScopeOptions, client: pg.Client): Promise<boolean> {
  const { loadCopyState } = await import('@/lib/engine/copy/state')
  const done = async (copyId: string) => (await unlessMissing(loadCopyState(client, copyId), null))?.phase === 'done'
  if (o.source.engine === 'sqlite') return done(initialCopyId(o.syncId, null))
  for (const p of await pickedSchemas(o)) if (!(await done(initialCopyId(o.syncId, p.schema)))) return false
  return true
}
