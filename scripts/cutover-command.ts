// `lockstep cutover`: the end of a sync once the application has stopped writing to the source – the last
// changes drained, the sequences set, the target validated row for row through the mapping, and only when every
// table matches, the capture (or slot) removed. Differences leave the sync in place: `lockstep sync` goes on.
// `lockstep cutover --prepare`, while the application still writes and `lockstep sync` follows, validates every
// row and records it on the target: the cutover then compares only the rows changed after it.
import type pg from 'pg'
import type { ValidationReport } from '@/lib/domain/validation-report'
import type { ValidationOptions } from '@/lib/engine/validate/model'
import { UsageError } from './cli-args'
import { printReport } from './validate-command'
import { sourceHoldsSync, syncedTables, syncScope, unlessMissing, type SyncScopeOptions } from './sync-scope'

export const CUTOVER_USAGE =
  'Usage: lockstep cutover --from SQLITE_FILE|postgresql://… --to postgresql://… [--tables a,b] [--schema a,b] [--mapping FILE.json] [--prepare] [--json]  (the same scope as `lockstep sync`; --prepare validates every row while the sync still follows, so the cutover compares only what changed after)'

/** The validation `lockstep validate` makes with the same arguments: the source read through the mapping. */
export async function validateSync(
  scope: SyncScopeOptions,
  only: Pick<ValidationOptions, 'onDifference' | 'changedKeys'> = {},
): Promise<ValidationReport> {
  const [{ runValidation }, { validateSchemas }, { postgresSide }, { sqliteSide }] = await Promise.all([
    import('@/lib/engine/validate/engine'),
    import('@/lib/engine/validate/schemas'),
    import('@/lib/engine/validate/postgres-side'),
    import('@/lib/engine/validate/sqlite-side'),
  ])
  if (scope.source.engine === 'postgres')
    return validateSchemas(scope.source.target, scope.target, {
      schemas: scope.schemas,
      tables: scope.tables,
      mapping: scope.mapping,
      sourceLabel: scope.source.label,
      // As the cutover step: the rows must match; the target's integrity is a validate step's question, not downtime.
      integrity: false,
      ...only,
    })
  const renamed = (name: string) => scope.mapping.tables.find((t) => t.table === name)?.rename ?? name
  const source = sqliteSide(scope.source.path, scope.source.label, { mapping: scope.mapping })
  const target = postgresSide(scope.target, { schema: scope.schemas?.[0] })
  return runValidation(source, target, { tables: scope.tables?.map(renamed), integrity: false, ...only }).finally(() =>
    Promise.all([source.close(), target.close()]),
  )
}

/**
 * Validates every row while the sync follows and records it on the target for the cutover (see
 * lib/engine/sync/check.ts): the report, and whether it was recorded.
 */
export async function prepareCutover(
  scope: SyncScopeOptions,
  client: pg.Client,
): Promise<{ report: ValidationReport; recorded: boolean }> {
  const { beginSyncCheck } = await import('@/lib/engine/sync/check')
  const check = await beginSyncCheck(client, scope.syncId)
  if (!check) throw new Error(`The target has no record of sync ${scope.syncId}.`)
  const report = await validateSync(scope, { onDifference: check.onDifference })
  return { report, recorded: await check.record(report) }
}

/** The final validation: only the rows changed since a prepared check, when one was recorded. */
export async function finalValidation(
  scope: SyncScopeOptions,
  client: pg.Client,
): Promise<{ report: ValidationReport; changedRows: number | null }> {
  const { sinceCheck } = await import('@/lib/engine/sync/check')
  const since = await sinceCheck(client, scope.syncId)
  const report = await validateSync(scope, { changedKeys: since?.changedKeys })
  return { report, changedRows: since?.rows ?? null }
}

/** Every table equal (by rows, or by checksum without a key). */
export const allMatch = (report: ValidationReport) =>
  report.tables.length > 0 && report.tables.every((t) => t.state === 'VALIDATED' || t.state === 'NO_PRIMARY_KEY')

/** `--prepare`: the check, printed; 0 when recorded. */
async function prepareCommand(scope: SyncScopeOptions, client: pg.Client): Promise<number> {
  const { report, recorded } = await prepareCutover(scope, client)
  const inFlight = report.tables.reduce((n, t) => n + t.missing + t.extra + t.changed, 0)
  if (scope.json) console.log(JSON.stringify({ status: recorded ? 'PREPARED' : 'DIFFERENT', validation: report }))
  else {
    printReport(report, true)
    console.log(
      recorded
        ? `\nPrepared: every row was compared${inFlight ? ` (${inFlight.toLocaleString('en')} differed, changes in flight or not: the cutover compares them again)` : ''}. Stop the application's writes to the source, then run \`lockstep cutover\` with the same arguments: it compares only the rows changed since.`
        : `\nNot prepared: the validation found differences it cannot name one by one (too many, or a table without a key). The cutover will compare every row; look at the differences above.`,
    )
  }
  return recorded ? 0 : 1
}

export async function cutoverCommand(args: string[]): Promise<number> {
  const began = performance.now()
  const prepare = args.includes('--prepare')
  if (prepare) args.splice(args.indexOf('--prepare'), 1)
  const scope = await syncScope(args)
  if (args.length) throw new UsageError(`Unexpected: ${args.join(' ')}`)
  const { json, source, syncId } = scope
  const [{ openTargetConnection }, { appliedPosition }, ends] = await Promise.all([
    import('@/lib/targets/sql/session'),
    import('@/lib/engine/sync/apply'),
    import('@/lib/engine/sync/ends'),
  ])
  const refuse = (message: string) => {
    if (json) console.log(JSON.stringify({ status: 'REFUSED', refused: message }))
    console.error(`Refused: ${message}`)
    return 3
  }
  const client = await openTargetConnection(scope.target, 'lockstep cutover')
  try {
    const position = await unlessMissing(appliedPosition(client, syncId), null)
    if (position === null)
      return refuse(
        `The target has no record of a sync from ${source.label} with these arguments (sync ${syncId}): run \`lockstep sync\` with the same --from, --to, --tables, --schema and --mapping first.`,
      )
    if (!(await sourceHoldsSync(scope)))
      return refuse(
        `${source.label} no longer holds the sync's ${source.engine === 'sqlite' ? 'change capture' : 'replication slot'}, so changes made since cannot be known: run \`lockstep sync\` again (it copies from the start).`,
      )
    if (prepare) return await prepareCommand(scope, client)
    const feed = await ends.openFeed(source, {
      syncId,
      mapping: scope.mapping,
      tables: scope.tables ?? [],
      schema: source.engine === 'sqlite' ? scope.schemas?.[0] : undefined,
    })
    const drained = await ends.drain(source, feed, { syncId, client }).finally(() => feed.close())
    if (!json) console.log(`Drained: ${drained.applied.toLocaleString('en')} last changes applied.`)
    const sequences = await ends.setSequences(source, client, await syncedTables(scope))
    if (!json) for (const line of sequences.length ? sequences : ['none to set']) console.log(`sequence ${line}`)
    const { report, changedRows } = await finalValidation(scope, client)
    if (!json)
      console.log(
        changedRows === null
          ? 'No prepared validation (`lockstep cutover --prepare`): every row compared.'
          : `Compared the ${changedRows.toLocaleString('en')} row${changedRows === 1 ? '' : 's'} changed since \`lockstep cutover --prepare\` validated every row, and the row counts.`,
      )
    const matched = allMatch(report)
    if (!matched && changedRows !== null) {
      const { forgetCheck } = await import('@/lib/engine/sync/apply')
      await forgetCheck(client, syncId)
    }
    if (matched) await ends.endSync(source, syncId, client)
    const downtimeSeconds = (performance.now() - began) / 1000
    if (json)
      console.log(
        JSON.stringify({
          status: matched ? 'DONE' : 'DIFFERENT',
          syncId,
          downtimeSeconds,
          drained: drained.applied,
          sequences,
          validation: report,
        }),
      )
    else {
      printReport(report, true)
      console.log(
        matched
          ? `\nCut over in ${downtimeSeconds.toFixed(1)} s: ${source.engine === 'sqlite' ? 'the triggers and change table are removed from the file' : 'the replication slot and publication are dropped'}; point the application at the target.`
          : `\nThe target differs from the source: the sync is left in place. Run \`lockstep sync\` with the same arguments to go on following, then cut over again.`,
      )
    }
    return matched ? 0 : 1
  } finally {
    await client.end().catch(() => undefined)
  }
}
