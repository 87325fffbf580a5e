import type pg from 'pg'
import { Cancelled, openTargetConnection } from '@/lib/targets/sql/session'
import { quoteIdent } from '@/lib/targets/quote'
import { insertTriggers } from './existing-rows'
import { finishCopy } from './finish'
import { heldKeyStatements } from './held-keys'
import { loadParts } from './load'
import { loadShared, settleUnits } from './shared'
import type { CopySummary } from './model'
import { CopyRefused, settingsOf, type CopyOptions } from './options'
import { alreadyCopied, startOrResume } from './plan'
import { Tracker } from './progress'
import { ensureCopyState, forgetCopy, loadCopyState, recordPhase } from './state'
import { inTransaction } from './statements'
import { planTables } from './table-plans'

// The copy engine: plans a copy (tables, key ranges), creates the target tables (or checks the existing
// ones), then loads chunks through several connections at once – each chunk's rows and the record of its
// last key in one transaction – and finally adds keys, indexes and foreign keys and restarts identities (the
// statistics are autovacuum's, as after any bulk load; building an index records the row count). Interrupted anywhere, it resumes where the target says it got to. Its parts: plan.ts (start or
// resume), table-plans.ts, load.ts (in this process) or shared.ts (a copy step's load, shared by every worker
// through units in Lockstep's database), finish.ts (the statements after the load).

export { COPY_DEFAULTS, copyIdOf, CopyRefused, RowsOnTarget, type CopyOptions } from './options'

/** Empties what a finished (or rolled back) copy wrote: its tables dropped or truncated, and its record. */
export async function undoCopy(session: pg.Client, copyId: string, schema = 'public'): Promise<string[]> {
  await ensureCopyState(session)
  const state = await loadCopyState(session, copyId)
  if (!state) return []
  const tables = [...new Set(state.parts.map((p) => p.table))]
  const list = tables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t)}`).join(', ')
  await inTransaction(session, async () => {
    if (tables.length)
      await session.query(state.mode === 'create' ? `DROP TABLE IF EXISTS ${list} CASCADE` : `TRUNCATE ${list}`)
    // Foreign keys dropped for a load that never finished come back (on the emptied tables they hold).
    if (state.mode === 'existing')
      for (const statement of await heldKeyStatements(session, copyId, schema, true)) await session.query(statement.sql)
    await forgetCopy(session, copyId)
  })
  return tables
}

/** Copies the source's tables into the target; see CopyOptions. Never throws for the copy's own failures. */
export async function runCopy(o: CopyOptions): Promise<CopySummary> {
  const began = performance.now()
  const seconds = () => Math.round((performance.now() - began) / 100) / 10
  const settings = settingsOf(o)
  const { schema, jobs, log } = settings
  const warnings: string[] = []
  const session = o.session

  // The source first: a bad table name or an unreadable file changes nothing on the target.
  const sourceTables = await o.source.tables(o.tables)
  if (sourceTables.length === 0) throw new CopyRefused('The source has no tables to copy.')
  for (const note of o.source.leftOut?.() ?? []) warnings.push(note)
  await ensureCopyState(session)
  let recorded = await loadCopyState(session, o.copyId)
  if (recorded?.phase === 'done' && !o.reload) {
    log('info', 'This copy already finished on the target; nothing to do (ask for a reload to copy again).')
    if (o.units) await settleUnits(o.units, o.copyId, schema, recorded.parts)
    return alreadyCopied(recorded, warnings, seconds())
  }
  if (recorded?.phase === 'done') {
    const emptied = await undoCopy(session, o.copyId, schema)
    log('info', `Reloading: ${emptied.length} tables emptied on the target.`)
    recorded = null
  }
  const ddl = o.mode === 'create' ? await o.source.ddl(sourceTables, schema) : null
  const state = await startOrResume(o, settings, recorded, sourceTables, ddl, warnings)
  for (const w of ddl?.warnings ?? []) warnings.push(w)
  const names = sourceTables.map((t) => t.name)
  if (o.mode === 'existing') warnings.push(...(await insertTriggers(session, schema, names)))

  const tables = sourceTables.filter((t) => state.parts.some((p) => p.table === t.name))
  const plans = await planTables(o, schema, tables, warnings)
  for (const w of warnings) log('warn', w)
  const notes: string[] = []
  for (const t of tables) notes.push(...((await o.source.notes?.(t, plans.get(t.name)?.columns ?? [])) ?? []))
  for (const n of notes) log('info', n)
  const notCopied = [...(ddl?.notCopied ?? [])]

  const tracker = new Tracker(tables, state.parts, !!o.units)
  const report = () => o.onProgress?.(tracker.snapshot(), tracker.workers)
  const ticker = setInterval(report, 1000)
  const connections: pg.Client[] = []
  const summary = (status: CopySummary['status'], more: Partial<CopySummary> = {}): CopySummary => ({
    status,
    tables: tracker.snapshot(),
    warnings,
    notes,
    notCopied,
    seconds: seconds(),
    indexSeconds: 0,
    ...more,
  })
  try {
    // All at once: each connection's start (authentication, a new server process) is a wait of its own.
    const opened = await Promise.allSettled(
      Array.from({ length: jobs }, (_, i) => openTargetConnection(o.target, `lockstep copy ${i + 1}/${jobs}`)),
    )
    for (const result of opened) if (result.status === 'fulfilled') connections.push(result.value)
    const refused = opened.find((result) => result.status === 'rejected')
    if (refused) throw refused.reason
    await Promise.all(
      connections.map(async (client) => {
        // A dead worker's backends end within a second; a chunk's record commits with its rows, so an
        // asynchronous commit can only lose both together (and the copy redoes that chunk).
        await client.query('SET client_connection_check_interval = 1000').catch(() => undefined)
        await client.query('SET synchronous_commit = off')
      }),
    )

    if (state.phase === 'loading') {
      const { chunkRows } = settings
      const context = { o, schema, chunkRows, state, tables, plans, tracker, connections }
      const outcome = o.units ? await loadShared(context, o.units) : await loadParts(context)
      if (outcome.cancelled) {
        log('warn', 'Copy cancelled; the chunks committed so far stay, and the copy resumes after them.')
        return summary('CANCELLED')
      }
      if (outcome.failure) {
        for (const t of tables) if (tracker.states.get(t.name) === 'copying') tracker.end(t.name, 'failed')
        return summary('FAILED', { error: outcome.failure })
      }
      await recordPhase(session, o.copyId, 'finishing')
    }

    if (o.units) await settleUnits(o.units, o.copyId, schema, state.parts)
    const indexStarted = performance.now()
    for (const t of tables) tracker.begin(t.name, 'indexing')
    try {
      const context = { o, schema, ddl, state, connections, warnings, notCopied, log }
      await finishCopy({ ...context, tables: tables.map((t) => t.name) })
    } catch (error) {
      if (error instanceof Cancelled) return summary('CANCELLED')
      return summary('FAILED', { error: (error as Error).message })
    }
    await recordPhase(session, o.copyId, 'done')
    for (const t of tables) tracker.end(t.name, 'done')
    return summary('SUCCEEDED', { indexSeconds: Math.round((performance.now() - indexStarted) / 100) / 10 })
  } finally {
    clearInterval(ticker)
    report()
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)))
  }
}
