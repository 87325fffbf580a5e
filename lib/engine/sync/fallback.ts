import type { TCopyMapping } from '@/lib/domain/mapping'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { ensureSyncState, forgetSync, recordSyncStart } from './apply'
import { createPublication, refuseUnsyncable, replicationNames, type SourceTable } from './pg-replication'
import { SyncRefused } from './model'

// The fallback of a PostgreSQL → PostgreSQL cutover: from the switch on, the new database's changes flow back
// into the old one – a sync in the other direction, made while writes are still stopped, when both databases
// are identical (the final validation said so) – so that switching back an hour later loses nothing. It needs
// of the new database what a sync needs of a source, and a mapping that can be undone (renames only).

/** Why a copy's mapping cannot be undone for changes flowing back, or null when it can. */
export function irreversible(mapping: TCopyMapping): string | null {
  for (const t of mapping.tables) {
    if (t.filter) return `the mapping filters ${t.table}'s rows, so the old database holds rows the new one does not`
    for (const c of t.columns) {
      if (c.omit) return `the mapping leaves out ${t.table}.${c.column}, which the new database does not have`
      if (c.transform || c.type)
        return `the mapping changes ${t.table}.${c.column}'s values, which cannot be changed back`
    }
  }
  return null
}

/** The mapping from the new database's names back to the old ones (renames only: see irreversible). */
export function reversedMapping(mapping: TCopyMapping): TCopyMapping {
  return {
    tables: mapping.tables.map((t) => {
      const dot = t.table.lastIndexOf('.')
      const schema = dot > 0 ? `${t.table.slice(0, dot)}.` : ''
      const own = dot > 0 ? t.table.slice(dot + 1) : t.table
      const renamed = (c: string) => t.columns.find((x) => x.column === c)?.rename ?? c
      return {
        table: `${schema}${t.rename ?? own}`,
        ...(t.rename ? { rename: own } : {}),
        columns: t.columns.filter((c) => c.rename).map((c) => ({ column: renamed(c.column), rename: c.column })),
      }
    }),
  }
}

/** The new database's names of the tables the forward sync published (source names, through the mapping's renames). */
export function tablesOnTarget(published: readonly SourceTable[], mapping: TCopyMapping): SourceTable[] {
  return published.map((t) => {
    const key = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`
    const entry = mapping.tables.find((m) => m.table === key || m.table === `${t.schema}.${t.name}`)
    return { schema: t.schema, name: entry?.rename ?? t.name }
  })
}

/**
 * Starts the flow back: a publication and a slot on the new database, and the start recorded on the old one.
 * Refused (nothing made) when the new database cannot feed it; returns the slot's first position.
 */
export async function startFallback(o: {
  reverseId: string
  newDatabase: PostgresTarget
  oldDatabase: PostgresTarget
  tables: readonly SourceTable[]
}): Promise<string> {
  const { slot } = replicationNames(o.reverseId)
  const fresh = await openTargetConnection(o.newDatabase, 'lockstep fallback (source)')
  const old = await openTargetConnection(o.oldDatabase, 'lockstep fallback (apply)')
  try {
    await refuseUnsyncable(fresh, o.tables, slot).catch((error: Error) => {
      throw new SyncRefused(
        error.message.replace('The source cannot be kept in sync', 'The new database cannot feed a fallback'),
      )
    })
    await createPublication(fresh, o.reverseId, o.tables)
    const { rows } = await fresh.query<{ lsn: string }>(
      `SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')`,
      [slot],
    )
    const position = rows[0]?.lsn
    if (!position) throw new Error('The new database made no replication slot.')
    await ensureSyncState(old)
    await forgetSync(old, o.reverseId)
    await recordSyncStart(old, o.reverseId, position)
    return position
  } finally {
    await Promise.all([fresh.end().catch(() => undefined), old.end().catch(() => undefined)])
  }
}

/** The tables the forward sync's publication holds on the old source. */
export async function publishedTables(oldDatabase: PostgresTarget, forwardId: string): Promise<SourceTable[]> {
  const client = await openTargetConnection(oldDatabase, 'lockstep fallback (tables)')
  try {
    const { rows } = await client.query<SourceTable>(
      `SELECT schemaname AS schema, tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2`,
      [replicationNames(forwardId).publication],
    )
    return rows
  } finally {
    await client.end().catch(() => undefined)
  }
}

export const describeTables = (tables: readonly SourceTable[]) =>
  tables.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`).join(', ')
