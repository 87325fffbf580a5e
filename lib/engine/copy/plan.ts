import { describeFilled, emptyTables, filledTables, type FilledTable } from './existing-rows'
import { holdCyclicKeys } from './held-keys'
import type { CopySource, CopySummary, Ddl, SourceTable, TableProgress } from './model'
import { CopyRefused, RowsOnTarget, type CopyOptions, type CopySettings } from './options'
import { recordCopyStart, type CopyState, type PartState } from './state'
import { inTransaction, shownStatement, type PgError } from './statements'
import { targetColumns } from './table-plans'

// The start of a copy: a finished one is reported, not repeated; a new one is checked against the target
// (refused before anything changes), split into parts, and started – its tables created (or emptied), its
// record written – in one transaction; an interrupted one resumes from its record.

/** The summary of a copy that finished in an earlier attempt, from its record. */
export function alreadyCopied(state: CopyState, warnings: string[], seconds: number): CopySummary {
  const tables = [...new Set(state.parts.map((p) => p.table))].map<TableProgress>((table) => {
    const mine = state.parts.filter((p) => p.table === table)
    const written = mine.reduce((n, p) => n + p.written, 0)
    const rejected = mine.reduce((n, p) => n + p.rejected, 0)
    return {
      table,
      state: 'done',
      total: written + rejected,
      written,
      rejected,
      rowsPerSecond: 0,
      etaSeconds: 0,
      seconds: 0,
    }
  })
  return { status: 'ALREADY_COPIED', tables, warnings, seconds, indexSeconds: 0 }
}

/** The most parts one table is split into for workers sharing a copy. */
const MOST_SHARED_PARTS = 256

/**
 * How many key ranges a table with an integer key is split into. Loaded in one process, a table of two chunks
 * (or 100,000 rows) or more gets one range per job. Shared by workers, each of which brings `jobs` connections,
 * a large table gets ranges of about an eighth of a job's share – never smaller than a chunk – so that several
 * workers can load one big table together and a worker joining late still finds ranges left to take.
 */
function partsOf(table: SourceTable, jobs: number, chunkRows: number, shared: boolean): number {
  if (table.key !== 'integer' || table.rows < Math.min(2 * chunkRows, 100_000)) return 1
  if (!shared) return jobs
  const size = Math.max(chunkRows, Math.ceil(table.rows / (8 * jobs)))
  return Math.min(MOST_SHARED_PARTS, Math.max(jobs, Math.ceil(table.rows / size)))
}

/** Splits each table into key ranges (see partsOf), the first and last open-ended. */
async function planParts(
  source: CopySource,
  tables: readonly SourceTable[],
  jobs: number,
  chunkRows: number,
  shared: boolean,
): Promise<PartState[]> {
  const parts: PartState[] = []
  const part = (table: string, index: number, lo: string | null, hi: string | null): PartState => ({
    table,
    part: index,
    lo,
    hi,
    lastKey: null,
    written: 0,
    rejected: 0,
    done: false,
  })
  for (const table of tables) {
    const count = partsOf(table, jobs, chunkRows, shared)
    const bounds = count > 1 ? await source.bounds(table) : null
    if (!bounds) {
      parts.push(part(table.name, 0, null, null))
      continue
    }
    const n = BigInt(count)
    const span = bounds.max - bounds.min + 1n
    const edge = (i: bigint) => (bounds.min - 1n + (span * i) / n).toString()
    for (let i = 0n; i < n; i++)
      parts.push(part(table.name, Number(i), i === 0n ? null : edge(i), i === n - 1n ? null : edge(i + 1n)))
  }
  return parts
}

/** What creating the target's tables (or types) failed on, naming the object. */
const describeDdlError = (sql: string, error: unknown) => {
  const e = error as PgError
  // createSchemaSql's own message names the schema and the GRANT it needs.
  if (/^DO \$lockstep\$ BEGIN\s+IF to_regnamespace/.test(sql))
    return e.code === '42501' ? e.message : `Creating the schema on the target failed: ${e.message}`
  const table = /^CREATE TABLE (\S+)/.exec(sql)?.[1]
  const what = table
    ? `Creating the table ${table.replace(/^"[^"]*"\./, '').replace(/"/g, '')} on the target`
    : `${shownStatement(sql)} on the target`
  return `${what} failed: ${e.message}${e.detail ? ` (${e.detail})` : ''}${e.hint ? ` Hint: ${e.hint}` : ''}`
}

/** The existing tables with rows, once the copy is allowed to go into them; throws CopyRefused otherwise. */
async function checkTarget(o: CopyOptions, schema: string, names: readonly string[]): Promise<FilledTable[]> {
  const existing = [...new Set((await targetColumns(o.session, schema, names)).map((c) => c.table))]
  if (o.mode === 'create') {
    if (existing.length)
      throw new CopyRefused(
        `The target already has ${existing.length === 1 ? 'a table' : 'tables'} ${existing.map((t) => `“${t}”`).join(', ')}. Copy into existing tables instead, or drop ${existing.length === 1 ? 'it' : 'them'} first.`,
      )
    return []
  }
  const missing = names.filter((t) => !existing.includes(t)).map((t) => `“${t}”`)
  if (missing.length)
    throw new CopyRefused(
      `The target has no table ${missing.join(', ')}; create ${missing.length === 1 ? 'it' : 'them'} first (the application's migrations), or let the copy create the tables.`,
    )
  const filled = await filledTables(o.session, schema, names)
  const choice = o.existingRows ?? 'refuse'
  if (filled.length && choice === 'refuse')
    throw new RowsOnTarget(
      `The target ${filled.length === 1 ? 'table' : 'tables'} ${describeFilled(filled)} already ${filled.length === 1 ? 'has' : 'have'} rows (seeded by the application's migrations?). Choose: empty ${filled.length === 1 ? 'it' : 'them'} first, or merge the source's rows by primary key.`,
      filled,
    )
  if (filled.length && choice === 'empty' && !(await o.confirmEmpty?.(filled)))
    throw new RowsOnTarget(`Emptying ${describeFilled(filled)} was not confirmed; nothing was changed.`, filled)
  return filled
}

/** The copy's state: resumed from its record, or a new copy started on the target. */
export async function startOrResume(
  o: CopyOptions,
  { schema, jobs, chunkRows, log }: CopySettings,
  state: CopyState | null,
  sourceTables: readonly SourceTable[],
  ddl: Ddl | null,
  warnings: string[],
): Promise<CopyState> {
  if (state) {
    const done = state.parts.filter((p) => p.done).length
    log(
      'info',
      `Resuming the copy: ${done} of ${state.parts.length} parts finished, ${state.parts.reduce((n, p) => n + p.written, 0).toLocaleString('en')} rows already on the target.`,
    )
    return state
  }
  const session = o.session
  const names = sourceTables.map((t) => t.name)
  const filled = await checkTarget(o, schema, names)
  const parts = await planParts(o.source, sourceTables, jobs, chunkRows, !!o.units)
  const emptied = o.mode === 'existing' && o.existingRows === 'empty' && filled.length > 0
  const held = await inTransaction(session, async () => {
    for (const statement of ddl?.beforeLoad ?? [])
      await session
        .query(statement)
        .catch((error: unknown) => Promise.reject(new CopyRefused(describeDdlError(statement, error))))
    // All the copied tables at once (the empty ones too): TRUNCATE wants the tables that reference a table with it.
    if (emptied) await emptyTables(session, schema, names)
    await recordCopyStart(session, o.copyId, o.mode, parts)
    return o.mode === 'existing' ? await holdCyclicKeys(session, o.copyId, schema, names) : []
  })
  if (emptied) {
    warnings.push(`Emptied before the load: ${describeFilled(filled)}.`)
    o.onExistingRows?.('emptied', filled)
  }
  if (o.mode === 'existing' && o.existingRows === 'merge' && filled.length) {
    warnings.push(
      `Merged by primary key into rows already there: ${describeFilled(filled)}; their rows the source does not have stay.`,
    )
    o.onExistingRows?.('merged', filled)
  }
  for (const line of held) warnings.push(line)
  log(
    'info',
    `Copying ${sourceTables.length} tables (${sourceTables.reduce((n, t) => n + t.rows, 0).toLocaleString('en')} rows) from ${o.source.label}${o.mode === 'create' ? '; tables created' : ' into the existing tables'}.`,
  )
  return { phase: 'loading', mode: o.mode, afterLoadDone: [], afterLoadPositions: [], parts }
}
