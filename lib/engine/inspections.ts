import { mappingOrThrow } from '@/lib/domain/mapping'
import type { InspectionResult } from '@/lib/domain/source-inspection'
import { withoutServerPaths } from '@/lib/server/paths'
import { finishInspection, inspectionToRun } from '@/lib/server/inspections/record'
import { planSourceOf } from '@/lib/server/runs/target'
import { openTargetConnection } from '@/lib/targets/sql/session'
import { previewPostgresTable, previewSqliteTable } from './copy/preview'
import { profilePostgres, profileSqlite } from './copy/profile'

// The worker's side of the mapping editor's reads of a plan's source: a profile for the one-click rules, or
// a preview of one table through a mapping. Nothing is written anywhere but the read's own result.

export { claimInspection } from '@/lib/server/inspections/record'

async function inspect(id: string): Promise<InspectionResult> {
  const inspection = await inspectionToRun(id)
  const source = await planSourceOf(inspection.planId, inspection.environmentId)
  if (!source) throw new Error('The plan has no source connection on this environment; choose one on the plan page.')
  const engine = source.engine === 'POSTGRES' ? ('postgres' as const) : ('sqlite' as const)
  if (inspection.kind === 'PROFILE') {
    if (source.engine !== 'POSTGRES')
      return { kind: 'profile', engine, source: source.name, profile: profileSqlite(source.path) }
    const client = await openTargetConnection(source.target, 'lockstep profile')
    try {
      await client.query('SET default_transaction_read_only = on')
      return { kind: 'profile', engine, source: source.name, profile: await profilePostgres(client, 'public') }
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  const mapping = mappingOrThrow(inspection.mapping)
  const table = inspection.table ?? ''
  const preview =
    source.engine === 'POSTGRES'
      ? await previewPostgresTable(source.target, table, mapping)
      : previewSqliteTable(source.path, table, mapping)
  return { kind: 'preview', engine, source: source.name, preview }
}

/** Reads the source and records the result or the reason it could not; the outcome as the worker's log says it. */
export async function executeInspection(id: string): Promise<string> {
  try {
    await finishInspection(id, { result: await inspect(id) })
    return 'done'
  } catch (error) {
    await finishInspection(id, { error: withoutServerPaths((error as Error).message) })
    return 'failed'
  }
}
