import type { CopySummary } from '@/lib/engine/copy/model'
import { copySchemas, planSchemas, type SchemasCopyOptions } from '@/lib/engine/copy/schemas'
import { connectPostgres } from '@/lib/targets/postgres'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { ensureSyncState, forgetSync, recordSyncStart } from './apply'
import {
  createPublication,
  dropReplication,
  refuseUnsyncable,
  replicationNames,
  sourceTables,
  type SourceTable,
} from './pg-replication'

// The start of a PostgreSQL source's sync, as PostgreSQL's own logical replication starts a subscription: a
// publication of the synced tables, then a replication slot created with an exported snapshot – the moment
// the slot's first change follows – and the initial copy read under that snapshot, so that copy and changes
// meet exactly. The snapshot lives only as long as the session that made the slot, so an interrupted initial
// copy starts again from a new slot; once the copy is done, the slot keeps every change until it is applied.

export type PostgresSyncStart = SchemasCopyOptions & { syncId: string }

export async function startPostgresSync(
  o: PostgresSyncStart,
): Promise<{ summary: CopySummary; tables: SourceTable[]; position: string }> {
  const { slot } = replicationNames(o.syncId)
  const { choice } = await planSchemas(o.from, o)
  const client = await openTargetConnection(o.from, 'lockstep sync (source)')
  let replication: Awaited<ReturnType<typeof connectPostgres>> | null = null
  try {
    const tables = await sourceTables(client, choice.picked)
    await refuseUnsyncable(client, tables, slot)
    await dropReplication(client, o.syncId)
    await createPublication(client, o.syncId, tables)
    replication = await connectPostgres(o.from, { applicationName: 'lockstep sync (slot)', replication: true })
    const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput EXPORT_SNAPSHOT`,
    )
    const made = rows[0]
    if (!made?.snapshot_name) throw new Error('The source made the replication slot but exported no snapshot.')
    await ensureSyncState(o.session)
    await forgetSync(o.session, o.syncId)
    await recordSyncStart(o.session, o.syncId, made.consistent_point)
    o.log?.('info', `Replication slot ${slot} made at ${made.consistent_point}; copying as of that moment.`)
    const summary = await copySchemas({ ...o, snapshot: made.snapshot_name, reload: true })
    return { summary, tables, position: made.consistent_point }
  } finally {
    await replication?.end().catch(() => undefined)
    await client.end().catch(() => undefined)
  }
}
