// `lockstep sync`: the initial copy, then the source's changes followed onto the target until Ctrl-C. Run again
// with the same arguments, it goes on from where the target is – without copying again – as long as the
// source still records the sync's changes (its capture, or its replication slot).
import type { CopySummary } from '@/lib/engine/copy/model'
import type { Lag } from '@/lib/engine/sync/model'
import { printSummary } from './copy-command'
import { count, flag, option, UsageError } from './cli-args'
import { initialCopy } from './sync-initial-copy'
import { initialCopyDone, sourceHoldsSync, syncScope } from './sync-scope'

export const SYNC_USAGE =
  'Usage: lockstep sync --from SQLITE_FILE|postgresql://… --to postgresql://… [--tables a,b] [--schema a,b] [--mapping FILE.json] [--confirm-capture] [--into-existing [--existing-rows empty|merge] [--yes]] [--chunk-rows N] [--jobs N] [--json]'

const LAG_LINE_MS = 5_000

export async function syncCommand(args: string[]): Promise<number> {
  const scope = await syncScope(args)
  const captureConfirmed = flag(args, '--confirm-capture')
  const mode = flag(args, '--into-existing') ? 'existing' : 'create'
  const existingRows = option(args, '--existing-rows')
  const yes = flag(args, '--yes')
  const jobs = count(option(args, '--jobs'), '--jobs', 1, 16)
  const chunkRows = count(option(args, '--chunk-rows'), '--chunk-rows', 100, 1_000_000)
  if (existingRows !== undefined && existingRows !== 'empty' && existingRows !== 'merge')
    throw new UsageError('--existing-rows takes empty or merge.')
  if (existingRows && mode !== 'existing') throw new UsageError('--existing-rows goes with --into-existing.')
  if (args.length) throw new UsageError(`Unexpected: ${args.join(' ')}`)
  const { json, source, syncId } = scope
  const event = (e: Record<string, unknown>) => json && console.log(JSON.stringify(e))
  const say = (line: string) => (json ? event({ event: 'log', message: line }) : console.error(line))

  const [{ openTargetConnection, ApplyRefused, Cancelled }, { CopyRefused }, sync, { SyncRefused }] = await Promise.all(
    [
      import('@/lib/targets/sql/session'),
      import('@/lib/engine/copy/options'),
      import('@/lib/engine/sync/apply'),
      import('@/lib/engine/sync/model'),
    ],
  )
  const controller = new AbortController()
  const stop = () => {
    if (!controller.signal.aborted) say('Stopping after the batch in flight…')
    controller.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const client = await openTargetConnection(scope.target, 'lockstep sync (apply)')
  try {
    await sync.ensureSyncState(client)
    const position = await sync.appliedPosition(client, syncId)
    const resumable = position !== null && (await sourceHoldsSync(scope)) && (await initialCopyDone(scope, client))
    if (resumable) {
      event({ event: 'resumed', syncId, position })
      if (!json) console.log(`Resuming sync ${syncId}: the initial copy is done; following from ${position}.`)
    } else {
      // Asked before anything touches the file (a capture this sync already made needs no second yes).
      if (source.engine === 'sqlite' && !captureConfirmed && !(await sourceHoldsSync(scope)))
        throw new SyncRefused(
          `Keeping ${source.label} in sync adds a trigger per table and a change table (_lockstep_sync_…) to the file; they stay until \`lockstep cutover\` removes them. Nothing was changed: pass --confirm-capture to go on.`,
        )
      const summary: CopySummary = await initialCopy(scope, {
        mode,
        existingRows: existingRows === 'empty' || existingRows === 'merge' ? existingRows : undefined,
        yes,
        jobs,
        chunkRows,
        captureConfirmed,
        signal: controller.signal,
        log: say,
      })
      event({ event: 'copied', syncId, ...summary })
      if (!json) printSummary(summary)
      if (summary.status === 'CANCELLED') {
        say('Stopped during the initial copy; run the same command again to resume.')
        return 130
      }
      if (summary.status === 'FAILED') {
        say(`The initial copy failed: ${summary.error ?? 'see above'}`)
        return 1
      }
    }
    const { openFeed } = await import('@/lib/engine/sync/ends')
    const { follow } = await import('@/lib/engine/sync/follow')
    const feed = await openFeed(source, {
      syncId,
      mapping: scope.mapping,
      tables: scope.tables ?? [],
      schema: source.engine === 'sqlite' ? scope.schemas?.[0] : undefined,
    })
    if (!json) console.log(`Following the changes of ${source.label} (Ctrl-C stops; run again to go on).`)
    let applied = 0
    let lagLine = 0
    const showLag = (lag: Lag, at: string) => {
      if (Date.now() - lagLine < LAG_LINE_MS) return
      lagLine = Date.now()
      event({ event: 'lag', waiting: lag.waiting, seconds: lag.seconds, applied, position: at })
      if (!json)
        console.log(
          `following: ${lag.waiting.toLocaleString('en')} waiting, ${lag.seconds.toFixed(1)} s behind, ${applied.toLocaleString('en')} changes applied`,
        )
    }
    const outcome = await follow({
      syncId,
      feed,
      client,
      signal: controller.signal,
      onBatch: (batch) => void (applied += batch.changes),
      onLag: showLag,
    }).finally(() => feed.close())
    event({ event: 'summary', syncId, copied: !resumable, stopped: outcome.position, applied: outcome.applied })
    if (!json)
      console.log(
        `Stopped at ${outcome.position}: ${outcome.applied.toLocaleString('en')} changes applied in this run. Run the same command to go on following, or \`lockstep cutover\` with the same arguments once the application has stopped writing.`,
      )
    return 0
  } catch (error) {
    if (error instanceof SyncRefused || error instanceof CopyRefused || error instanceof ApplyRefused) {
      event({ event: 'refused', refused: error.message })
      console.error(`Refused: ${error.message}`)
      return 3
    }
    if (error instanceof Cancelled) return 130
    throw error
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await client.end().catch(() => undefined)
  }
}
