import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { sequenceRestarts } from '@/lib/engine/copy/sequences'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { forgetSync } from './apply'
import { follow, type FollowOptions } from './follow'
import type { ChangeFeed } from './model'
import { emitMarker, postgresFeed } from './pg-feed'
import { dropReplication } from './pg-replication'
import { removeCapture } from './sqlite-capture'
import { sqliteFeed } from './sqlite-feed'

// What a sync's source is, and the steps of its end: a feed to follow it, the drain that applies everything
// made before a moment, the sequences set on the target (logical replication does not carry them), and the
// removal of what the sync made on the source.

export type SyncSource =
  { engine: 'sqlite'; path: string; label: string } | { engine: 'postgres'; target: PostgresTarget; label: string }

/** `schema`: where a SQLite source's tables were copied on the target (default public). */
export type SyncScope = { syncId: string; mapping: TCopyMapping; tables: readonly string[]; schema?: string }

export async function openFeed(
  source: SyncSource,
  scope: SyncScope,
): Promise<ChangeFeed & { markerReached?(m: string): boolean }> {
  return source.engine === 'sqlite'
    ? sqliteFeed(source.path, { tables: scope.tables, mapping: scope.mapping, schema: scope.schema })
    : postgresFeed(source.target, { syncId: scope.syncId, mapping: scope.mapping })
}

/**
 * Applies every change the source made before now (writes to it have stopped): for PostgreSQL, until a marker
 * written into its change stream comes through; for SQLite, until no change is waiting.
 */
export async function drain(
  source: SyncSource,
  feed: ChangeFeed & { markerReached?(m: string): boolean },
  o: Omit<FollowOptions, 'feed' | 'stopWhen'>,
) {
  // Writes have stopped: every millisecond spent waiting for changes that will not come is downtime.
  if (source.engine === 'sqlite')
    return follow({ ...o, feed, waitMs: 10, stopWhen: ({ lag, idle }) => idle && lag?.waiting === 0 })
  const marker = `drain-${randomUUID()}`
  const client = await openTargetConnection(source.target, 'lockstep sync (drain)')
  try {
    await emitMarker(client, marker)
  } finally {
    await client.end().catch(() => undefined)
  }
  return follow({ ...o, feed, waitMs: 10, stopWhen: () => feed.markerReached?.(marker) === true })
}

type SequenceValue = { schema: string; name: string; value: string; called: boolean }

/**
 * Sets the target's sequences: a PostgreSQL source's own values, where the target has a sequence of the same
 * name, and every sequence a synced column draws from moved past the largest value in its columns. Only ever
 * forward. Returns what was set, one line each.
 */
export async function setSequences(
  source: SyncSource,
  target: pg.Client,
  tables: readonly { schema: string; name: string }[],
): Promise<string[]> {
  const lines: string[] = []
  if (source.engine === 'postgres') {
    const client = await openTargetConnection(source.target, 'lockstep sync (sequences)')
    let values: SequenceValue[]
    try {
      const schemas = [...new Set(tables.map((t) => t.schema))]
      values = (
        await client.query<SequenceValue>(
          `SELECT schemaname AS schema, sequencename AS name, last_value::text AS value, last_value IS NOT NULL AS called
             FROM pg_sequences WHERE schemaname = ANY ($1) AND last_value IS NOT NULL ORDER BY 1, 2`,
          [schemas],
        )
      ).rows
    } finally {
      await client.end().catch(() => undefined)
    }
    for (const s of values) {
      const name = `${quoteIdent(s.schema)}.${quoteIdent(s.name)}`
      const { rows } = await target
        .query<{ set: string | null }>(
          `SELECT setval(c.oid, $2::bigint, true)::text AS set FROM pg_class c
          WHERE c.oid = to_regclass($1) AND c.relkind = 'S' AND (SELECT last_value FROM ${name}) < $2::bigint`,
          [name, s.value],
        )
        .catch(() => ({ rows: [] as { set: string | null }[] }))
      if (rows[0]?.set) lines.push(`${s.schema}.${s.name} set to ${s.value}, as on the source`)
    }
  }
  const bySchema = new Map<string, string[]>()
  for (const t of tables) bySchema.set(t.schema, [...(bySchema.get(t.schema) ?? []), t.name])
  for (const [schema, names] of bySchema)
    for (const statement of await sequenceRestarts(target, schema, names)) {
      const { rowCount } = await target.query(statement.sql)
      if (rowCount) lines.push(`${statement.name.replace(/^sequence /, '')} moved past the largest value copied`)
    }
  return lines
}

/** Removes what the sync made on the source (its triggers and change table, or its slot and publication) and its record on the target. */
export async function endSync(source: SyncSource, syncId: string, target: pg.Client | null): Promise<void> {
  if (source.engine === 'sqlite') removeCapture(source.path, syncId)
  else {
    const client = await openTargetConnection(source.target, 'lockstep sync (end)')
    try {
      await dropReplication(client, syncId)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  if (target) await forgetSync(target, syncId)
}
