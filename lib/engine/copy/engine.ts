import { createHash } from 'node:crypto'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { Cancelled, openTargetConnection } from '@/lib/targets/sql/session'
import type { PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import type {
  ChunkReader,
  ColumnPlan,
  CopyFormat,
  CopySource,
  CopySummary,
  KeyValue,
  OptionalStatement,
  RejectedRow,
  SourceTable,
  TableProgress,
  TableState,
} from './model'
import {
  describeFilled,
  emptyTables,
  filledTables,
  insertTriggers,
  mergePlan,
  type ExistingRows,
  type FilledTable,
  type MergePlan,
} from './existing-rows'
import { cyclicGroups, heldKeyStatements, holdCyclicKeys, targetReferences } from './held-keys'
import { sequenceRestarts } from './sequences'
import { catalogTypeOf } from './sqlite-types'
import {
  ensureCopyState,
  forgetCopy,
  loadCopyState,
  recordAfterLoad,
  recordChunk,
  recordCopyStart,
  recordPhase,
  type CopyMode,
  type CopyState,
  type PartState,
} from './state'

// The copy engine: plans a copy (tables, key ranges), creates the target tables (or checks the existing
// ones), then loads chunks through several connections at once – each chunk's rows and the record of its
// last key in one transaction – and finally adds keys, indexes and foreign keys, restarts identities and
// analyzes. Interrupted anywhere, it resumes where the target says it got to.

export class CopyRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CopyRefused'
  }
}

/** Existing tables already have rows, and the copy was not told – or not allowed – to empty or merge them. */
export class RowsOnTarget extends CopyRefused {
  constructor(
    message: string,
    readonly filled: readonly FilledTable[],
  ) {
    super(message)
    this.name = 'RowsOnTarget'
  }
}

export type CopyOptions = {
  /** Names the copy on the target: the same id resumes it, and a finished copy is not repeated. */
  copyId: string
  /** The run's session on the target (holding Lockstep's lock): DDL and the copy's record go through it. */
  session: pg.Client
  /** For the parallel jobs' own connections. */
  target: PostgresTarget
  source: CopySource
  tables?: readonly string[]
  /** Create the tables (from the source's schema), or copy into tables that exist and are empty. */
  mode: CopyMode
  schema?: string
  /** Connections loading at once (tables, or key ranges of a large table). */
  jobs?: number
  /** Rows per committed chunk. */
  chunkRows?: number
  /** More rejected rows than this fail the copy; null: no limit. */
  maxRejectedRows?: number | null
  /** Copy a finished copy again (its tables are emptied first). */
  reload?: boolean
  /** Into existing tables that already have rows: refuse (the default), empty them first, or merge by primary key. */
  existingRows?: ExistingRows
  /** Asked before existing tables with rows are emptied; anything but true refuses the copy. */
  confirmEmpty?: (tables: readonly FilledTable[]) => Promise<boolean>
  /** The existing tables that had rows, once they were emptied, or before the source's rows are merged into them. */
  onExistingRows?: (done: 'emptied' | 'merged', tables: readonly FilledTable[]) => void
  signal?: AbortSignal
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** Live figures, about once a second and at the end. */
  onProgress?: (tables: TableProgress[]) => void
  /** Rejected rows, before the chunk they belong to commits (so none is lost; a resumed chunk reports them again). */
  onRejects?: (rejects: RejectedRow[]) => Promise<void>
}

/** A copy's id on the target: the same source, tables and mode give the same id (and so resume). */
export const copyIdOf = (prefix: string, identity: unknown) =>
  `${prefix}-${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16)}`

export const COPY_DEFAULTS = { jobs: 2, chunkRows: 250_000 } as const
const FOREIGN_KEY_VIOLATION = '23503'
const CHECK_VIOLATION = '23514'
const UNIQUE_VIOLATION = '23505'
const clamp = (n: number | undefined, lo: number, hi: number, fallback: number) =>
  n === undefined || !Number.isFinite(n) ? fallback : Math.min(hi, Math.max(lo, Math.round(n)))

type TablePlan = {
  source: SourceTable
  columns: ColumnPlan[]
  format: CopyFormat
  copySql: string
  merge: MergePlan | null
}
type TargetColumn = {
  table: string
  name: string
  type: string
  notNull: boolean
  hasDefault: boolean
  identity: boolean
  generated: boolean
  serial: boolean
}

async function targetColumns(client: pg.Client, schema: string, tables: readonly string[]): Promise<TargetColumn[]> {
  const { rows } = await client.query<TargetColumn>(
    `SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull", a.atthasdef AS "hasDefault",
            a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated, pg_get_serial_sequence(quote_ident($1) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL AS serial
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY ($2) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
    [schema, tables],
  )
  return rows
}

/** Which source columns go where on an existing table, or why the copy cannot go there. */
function mapColumns(table: SourceTable, target: TargetColumn[], warnings: string[]): ColumnPlan[] {
  const writable = target.filter((c) => !c.generated)
  const columns: ColumnPlan[] = []
  for (const column of table.columns) {
    const wanted = column.targetName ?? column.name
    const match =
      writable.find((c) => c.name === wanted) ??
      writable.filter((c) => c.name.toLowerCase() === wanted.toLowerCase()).at(0)
    if (!match) {
      warnings.push(`${table.name}.${column.name}: the target table has no such column; not copied`)
      continue
    }
    columns.push({ name: column.name, type: catalogTypeOf(match.type), targetName: match.name, notNull: match.notNull })
  }
  const required = writable.filter(
    (c) => c.notNull && !c.hasDefault && !c.identity && !columns.some((p) => p.targetName === c.name),
  )
  if (required.length)
    throw new CopyRefused(
      `The target table ${table.name} requires ${required.map((c) => `“${c.name}”`).join(', ')}, which the source does not have.`,
    )
  return columns
}

/** Splits a table of two chunks (or 100,000 rows) or more with an integer key into `jobs` ranges (the first and last open-ended). */
async function planParts(
  source: CopySource,
  tables: readonly SourceTable[],
  jobs: number,
  chunkRows: number,
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
    const bounds =
      table.key === 'integer' && jobs > 1 && table.rows >= Math.min(2 * chunkRows, 100_000)
        ? await source.bounds(table)
        : null
    if (!bounds) {
      parts.push(part(table.name, 0, null, null))
      continue
    }
    const n = BigInt(jobs)
    const span = bounds.max - bounds.min + 1n
    const edge = (i: bigint) => (bounds.min - 1n + (span * i) / n).toString()
    for (let i = 0n; i < n; i++)
      parts.push(part(table.name, Number(i), i === 0n ? null : edge(i), i === n - 1n ? null : edge(i + 1n)))
  }
  return parts
}

/** Empties what a finished (or rolled back) copy wrote: its tables dropped or truncated, and its record. */
export async function undoCopy(session: pg.Client, copyId: string, schema = 'public'): Promise<string[]> {
  await ensureCopyState(session)
  const state = await loadCopyState(session, copyId)
  if (!state) return []
  const tables = [...new Set(state.parts.map((p) => p.table))]
  const list = tables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t)}`).join(', ')
  await session.query('BEGIN')
  try {
    if (tables.length)
      await session.query(state.mode === 'create' ? `DROP TABLE IF EXISTS ${list} CASCADE` : `TRUNCATE ${list}`)
    // Foreign keys dropped for a load that never finished come back (on the emptied tables they hold).
    if (state.mode === 'existing')
      for (const statement of await heldKeyStatements(session, copyId, schema, true)) await session.query(statement)
    await forgetCopy(session, copyId)
    await session.query('COMMIT')
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined)
    throw error
  }
  return tables
}

async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN')
  try {
    const result = await fn()
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** A statement as people read it in a message: its first line, without the search path set before it. */
const shownStatement = (sql: string) => sql.replace(/^SET LOCAL search_path TO [^;]*; /, '').split('\n')[0] ?? sql

/** What creating the target's tables (or types) failed on, naming the object. */
const describeDdlError = (sql: string, error: unknown) => {
  const e = error as Error & { detail?: string; hint?: string; code?: string }
  // createSchemaSql's own message names the schema and the GRANT it needs.
  if (/^DO \$lockstep\$ BEGIN\s+IF to_regnamespace/.test(sql))
    return e.code === '42501' ? e.message : `Creating the schema on the target failed: ${e.message}`
  const table = /^CREATE TABLE (\S+)/.exec(sql)?.[1]
  const what = table
    ? `Creating the table ${table.replace(/^"[^"]*"\./, '').replace(/"/g, '')} on the target`
    : `${shownStatement(sql)} on the target`
  return `${what} failed: ${e.message}${e.detail ? ` (${e.detail})` : ''}${e.hint ? ` Hint: ${e.hint}` : ''}`
}

const describeError = (table: string, error: unknown) => {
  const e = error as Error & { where?: string; detail?: string }
  return `${table}: ${e.message}${e.detail ? ` (${e.detail})` : ''}${e.where ? ` – ${e.where.split('\n')[0]}` : ''}`
}

/** Live figures of each table, and the summary at the end. */
class Tracker {
  private started = new Map<string, { at: number; written: number }>()
  private ended = new Map<string, number>()
  readonly states = new Map<string, TableState>()
  constructor(
    private tables: readonly SourceTable[],
    private parts: readonly PartState[],
  ) {
    for (const t of tables)
      this.states.set(t.name, parts.filter((p) => p.table === t.name).every((p) => p.done) ? 'done' : 'pending')
  }
  private totals(table: string) {
    const mine = this.parts.filter((p) => p.table === table)
    return { written: mine.reduce((n, p) => n + p.written, 0), rejected: mine.reduce((n, p) => n + p.rejected, 0) }
  }
  begin(table: string, state: TableState = 'copying') {
    if (!this.started.has(table))
      this.started.set(table, { at: performance.now(), written: this.totals(table).written })
    this.states.set(table, state)
  }
  end(table: string, state: TableState) {
    this.states.set(table, state)
    this.ended.set(table, performance.now())
  }
  rejected = () => this.parts.reduce((n, p) => n + p.rejected, 0)
  snapshot(): TableProgress[] {
    const now = performance.now()
    return this.tables.map((t) => {
      const { written, rejected } = this.totals(t.name)
      const start = this.started.get(t.name)
      const seconds = start ? ((this.ended.get(t.name) ?? now) - start.at) / 1000 : 0
      const moved = start ? written - start.written : 0
      const rowsPerSecond = seconds > 0 ? Math.round(moved / seconds) : 0
      const left = Math.max(0, t.rows - written - rejected)
      const state = this.states.get(t.name) ?? 'pending'
      return {
        table: t.name,
        state,
        total: t.rows,
        written,
        rejected,
        rowsPerSecond,
        etaSeconds: state === 'done' ? 0 : rowsPerSecond > 0 ? Math.round(left / rowsPerSecond) : null,
        seconds: Math.round(seconds * 10) / 10,
      }
    })
  }
}

/** Copies the source's tables into the target; see CopyOptions. Never throws for the copy's own failures. */
export async function runCopy(o: CopyOptions): Promise<CopySummary> {
  const began = performance.now()
  const seconds = () => Math.round((performance.now() - began) / 100) / 10
  const schema = o.schema ?? 'public'
  const jobs = clamp(o.jobs, 1, 16, COPY_DEFAULTS.jobs)
  const chunkRows = clamp(o.chunkRows, 100, 1_000_000, COPY_DEFAULTS.chunkRows)
  const log = o.log ?? (() => undefined)
  const warnings: string[] = []
  const session = o.session
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`

  // The source first: a bad table name or an unreadable file changes nothing on the target.
  const sourceTables = await o.source.tables(o.tables)
  if (sourceTables.length === 0) throw new CopyRefused('The source has no tables to copy.')
  for (const note of o.source.leftOut?.() ?? []) warnings.push(note)
  await ensureCopyState(session)
  let state: CopyState | null = await loadCopyState(session, o.copyId)
  if (state?.phase === 'done' && !o.reload) {
    const finished = state
    const tables = [...new Set(finished.parts.map((p) => p.table))].map<TableProgress>((table) => {
      const mine = finished.parts.filter((p) => p.table === table)
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
    log('info', 'This copy already finished on the target; nothing to do (ask for a reload to copy again).')
    return { status: 'ALREADY_COPIED', tables, warnings, seconds: seconds(), indexSeconds: 0 }
  }

  if (state?.phase === 'done') {
    const emptied = await undoCopy(session, o.copyId, schema)
    log('info', `Reloading: ${emptied.length} tables emptied on the target.`)
    state = null
  }
  const ddl = o.mode === 'create' ? await o.source.ddl(sourceTables, schema) : null

  let filled: FilledTable[] = []
  let held: string[] = []
  if (!state) {
    const present = await targetColumns(
      session,
      schema,
      sourceTables.map((t) => t.name),
    )
    const existing = [...new Set(present.map((c) => c.table))]
    if (o.mode === 'create' && existing.length) {
      throw new CopyRefused(
        `The target already has ${existing.length === 1 ? 'a table' : 'tables'} ${existing.map((t) => `“${t}”`).join(', ')}. Copy into existing tables instead, or drop ${existing.length === 1 ? 'it' : 'them'} first.`,
      )
    }
    if (o.mode === 'existing') {
      const missing = sourceTables.filter((t) => !existing.includes(t.name)).map((t) => `“${t.name}”`)
      if (missing.length)
        throw new CopyRefused(
          `The target has no table ${missing.join(', ')}; create ${missing.length === 1 ? 'it' : 'them'} first (the application's migrations), or let the copy create the tables.`,
        )
      filled = await filledTables(
        session,
        schema,
        sourceTables.map((t) => t.name),
      )
      const choice = o.existingRows ?? 'refuse'
      if (filled.length && choice === 'refuse') {
        throw new RowsOnTarget(
          `The target ${filled.length === 1 ? 'table' : 'tables'} ${describeFilled(filled)} already ${filled.length === 1 ? 'has' : 'have'} rows (seeded by the application's migrations?). Choose: empty ${filled.length === 1 ? 'it' : 'them'} first, or merge the source's rows by primary key.`,
          filled,
        )
      }
      if (filled.length && choice === 'empty' && !(await o.confirmEmpty?.(filled)))
        throw new RowsOnTarget(`Emptying ${describeFilled(filled)} was not confirmed; nothing was changed.`, filled)
    }
    const parts = await planParts(o.source, sourceTables, jobs, chunkRows)
    await inTransaction(session, async () => {
      for (const statement of ddl?.beforeLoad ?? [])
        await session
          .query(statement)
          .catch((error: unknown) => Promise.reject(new CopyRefused(describeDdlError(statement, error))))
      // All the copied tables at once (the empty ones too): TRUNCATE wants the tables that reference a table with it.
      if (o.mode === 'existing' && o.existingRows === 'empty' && filled.length)
        await emptyTables(
          session,
          schema,
          sourceTables.map((t) => t.name),
        )
      await recordCopyStart(session, o.copyId, o.mode, parts)
      if (o.mode === 'existing')
        held = await holdCyclicKeys(
          session,
          o.copyId,
          schema,
          sourceTables.map((t) => t.name),
        )
    })
    if (o.mode === 'existing' && o.existingRows === 'empty' && filled.length) {
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
    state = { phase: 'loading', mode: o.mode, afterLoadDone: [], parts }
    log(
      'info',
      `Copying ${sourceTables.length} tables (${sourceTables.reduce((n, t) => n + t.rows, 0).toLocaleString('en')} rows) from ${o.source.label}${o.mode === 'create' ? '; tables created' : ' into the existing tables'}.`,
    )
  } else {
    const done = state.parts.filter((p) => p.done).length
    log(
      'info',
      `Resuming the copy: ${done} of ${state.parts.length} parts finished, ${state.parts.reduce((n, p) => n + p.written, 0).toLocaleString('en')} rows already on the target.`,
    )
  }
  for (const w of ddl?.warnings ?? []) warnings.push(w)
  if (o.mode === 'existing')
    warnings.push(
      ...(await insertTriggers(
        session,
        schema,
        sourceTables.map((t) => t.name),
      )),
    )

  const copyState = state
  const tables = sourceTables.filter((t) => copyState.parts.some((p) => p.table === t.name))
  const present = await targetColumns(
    session,
    schema,
    tables.map((t) => t.name),
  )
  const plans = new Map<string, TablePlan>()
  for (const t of tables) {
    const columns = mapColumns(
      t,
      present.filter((c) => c.table === t.name),
      warnings,
    )
    if (o.mode === 'create') columns.forEach((c, i) => (c.type = t.columns[i]?.type ?? c.type)) // the source's own types decide
    const targetTypes = columns.map(
      (c) => present.find((p) => p.table === t.name && p.name === c.targetName)?.type ?? '',
    )
    const format = o.source.formatFor(t, targetTypes)
    const names = columns.map((c) => c.targetName ?? c.name)
    const merge =
      o.mode === 'existing' && o.existingRows === 'merge'
        ? await mergePlan(session, schema, t.name, names).catch((error: Error) =>
            Promise.reject(new CopyRefused(error.message)),
          )
        : null
    plans.set(t.name, {
      source: t,
      columns,
      format,
      merge,
      copySql: `COPY ${merge?.stage ?? q(t.name)} (${names.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT ${format})`,
    })
  }
  for (const w of warnings) log('warn', w)
  const notes: string[] = []
  for (const t of tables) notes.push(...((await o.source.notes?.(t, plans.get(t.name)?.columns ?? [])) ?? []))
  for (const n of notes) log('info', n)
  const notCopied = [...(ddl?.notCopied ?? [])]

  const tracker = new Tracker(tables, copyState.parts)
  const report = () => o.onProgress?.(tracker.snapshot())
  const ticker = setInterval(report, 1000)
  const connections: pg.Client[] = []
  let failure: string | null = null
  let cancelled = false
  const reasons = new Map<string, { rows: number; example: string }>()
  try {
    for (let i = 0; i < jobs; i++) {
      const client = await openTargetConnection(o.target, `lockstep copy ${i + 1}/${jobs}`)
      connections.push(client)
      // A dead worker's backends end within a second; a chunk's record commits with its rows, so an
      // asynchronous commit can only lose both together (and the copy redoes that chunk).
      await client.query('SET client_connection_check_interval = 1000').catch(() => undefined)
      await client.query('SET synchronous_commit = off')
    }

    if (copyState.phase === 'loading') {
      const queue = copyState.parts
        .filter((p) => !p.done)
        .sort(
          (a, b) => (plans.get(b.table)?.source.rows ?? 0) - (plans.get(a.table)?.source.rows ?? 0) || a.part - b.part,
        )
      const taken = new Set<PartState>()
      const tableDone = (name: string) => copyState.parts.filter((p) => p.table === name).every((p) => p.done)
      let wake: () => void = () => undefined
      let changed = new Promise<void>((r) => (wake = r))
      const notify = () => {
        wake()
        changed = new Promise<void>((r) => (wake = r))
      }
      // Into existing tables, parents load before children (their foreign keys are checked row by row); within a
      // cycle of references there is no such order, and its foreign keys are held back for the load instead.
      // The target's own foreign keys count too (those of its partitions included).
      const references = [
        ...tables.flatMap((t) => t.references.map((r) => ({ from: t.name, to: r }))),
        ...(o.mode === 'existing'
          ? await targetReferences(
              session,
              schema,
              tables.map((t) => t.name),
            )
          : []),
      ]
      const cycles = cyclicGroups(
        tables.map((t) => t.name),
        references,
      )
      const parentsOf = (table: string) => references.filter((r) => r.from === table && r.to !== table).map((r) => r.to)
      const ready = (p: PartState) =>
        o.mode === 'create' ||
        parentsOf(p.table).every((r) => !plans.has(r) || tableDone(r) || cycles.get(r) === cycles.get(p.table))
      const take = (): PartState | 'wait' | null => {
        const open = queue.filter((p) => !taken.has(p))
        if (open.length === 0) return null
        const next = open.find(ready) ?? (taken.size === 0 || [...taken].every((p) => p.done) ? open[0] : undefined) // a cycle of references: take it anyway
        if (!next) return 'wait'
        taken.add(next)
        return next
      }

      const copyPart = async (client: pg.Client, reader: ChunkReader, part: PartState) => {
        const plan = plans.get(part.table)
        if (!plan) throw new Error(`No plan for the table ${part.table}.`)
        tracker.begin(part.table)
        while (!part.done) {
          if (o.signal?.aborted) throw new Cancelled()
          if (failure) return
          const after: KeyValue[] | null = part.lastKey ?? (part.lo !== null ? [{ i: part.lo }] : null)
          const written = await inTransaction(client, async () => {
            if (plan.merge) await client.query(plan.merge.createStage)
            const sink = client.query(copyFrom(plan.copySql))
            try {
              const result = await reader.chunk(
                plan.source,
                plan.columns,
                { after, hi: part.hi, limit: chunkRows },
                sink,
                plan.format,
              )
              sink.end()
              await finished(sink)
              const rows = sink.rowCount
              if (plan.merge) await client.query(plan.merge.insert)
              if (result.rejects.length) {
                await o.onRejects?.(result.rejects)
                for (const r of result.rejects) {
                  const key = `${r.table}.${r.column}`
                  const seen = reasons.get(key) ?? { rows: 0, example: r.reason }
                  seen.rows++
                  reasons.set(key, seen)
                }
              }
              const rejected = result.read - result.written
              await recordChunk(client, o.copyId, part, {
                lastKey: result.lastKey,
                written: rows,
                rejected,
                done: result.exhausted,
                restart: plan.source.key === 'none',
              })
              return { rows, rejected, lastKey: result.lastKey, done: result.exhausted }
            } catch (error) {
              if (!sink.writableFinished) {
                sink.destroy(error as Error)
                await finished(sink).catch(() => undefined)
              }
              throw error
            }
          }).catch((error: unknown) => {
            throw error instanceof Cancelled ? error : new Error(describeError(part.table, error))
          })
          part.written = plan.source.key === 'none' ? written.rows : part.written + written.rows
          part.rejected += written.rejected
          part.lastKey = written.lastKey ?? part.lastKey
          part.done = written.done
          if (o.maxRejectedRows != null && tracker.rejected() > o.maxRejectedRows && !failure) {
            const top = [...reasons.entries()]
              .sort((a, b) => b[1].rows - a[1].rows)
              .slice(0, 5)
              .map(([where, r]) => `${where} (${r.rows}; e.g. ${r.example})`)
            failure =
              `${tracker.rejected()} rows were rejected, more than the limit of ${o.maxRejectedRows}. ${top.length ? `Most rejected: ${top.join('; ')}.` : ''}`.trim()
          }
        }
        if (tableDone(part.table)) tracker.end(part.table, 'done')
      }

      const job = async (client: pg.Client) => {
        const reader = await o.source.reader()
        try {
          for (;;) {
            if (failure || cancelled) return
            const next = take()
            if (next === null) return
            if (next === 'wait') {
              await changed
              continue
            }
            try {
              await copyPart(client, reader, next)
            } finally {
              notify()
            }
          }
        } catch (error) {
          if (error instanceof Cancelled) cancelled = true
          else failure ??= (error as Error).message
          notify()
        } finally {
          await reader.close()
        }
      }
      await Promise.all(connections.map(job))
      if (cancelled) {
        log('warn', 'Copy cancelled; the chunks committed so far stay, and the copy resumes after them.')
        return {
          status: 'CANCELLED',
          tables: tracker.snapshot(),
          warnings,
          notes,
          notCopied,
          seconds: seconds(),
          indexSeconds: 0,
        }
      }
      if (failure) {
        for (const t of tables) if (tracker.states.get(t.name) === 'copying') tracker.end(t.name, 'failed')
        return {
          status: 'FAILED',
          tables: tracker.snapshot(),
          warnings,
          notes,
          notCopied,
          error: failure,
          seconds: seconds(),
          indexSeconds: 0,
        }
      }
      await recordPhase(session, o.copyId, 'finishing')
    }

    // Keys, indexes and identity restarts, in parallel; foreign keys after them, one by one. (Statistics are
    // left to autovacuum, as after any bulk load.)
    const indexStarted = performance.now()
    for (const t of tables) tracker.begin(t.name, 'indexing')
    // Then every sequence the copied columns draw from (identities, serials, shared nextval() defaults) is moved
    // past the copied rows, in both modes; foreign keys held back for a cycle come back with the others.
    const tableNames = tables.map((t) => t.name)
    const afterLoad = [
      ...(o.mode === 'create' ? (ddl?.afterLoad ?? []) : []),
      ...(await heldKeyStatements(session, o.copyId, schema)),
      ...(await sequenceRestarts(session, schema, tableNames)),
    ]
    const isForeignKey = (sql: string) => /\bFOREIGN KEY\b/i.test(sql)
    const pending = afterLoad
      .map((sql, index) => ({ sql, index }))
      .filter((s) => !copyState.afterLoadDone.includes(s.index))
    const runStatement = async (client: pg.Client, statement: { sql: string; index: number }) => {
      if (o.signal?.aborted) throw new Cancelled()
      const run = (sql: string) =>
        inTransaction(client, async () => {
          await client.query(sql)
          await recordAfterLoad(client, o.copyId, statement.index)
        })
      await run(statement.sql).catch(async (error: Error & { code?: string; detail?: string }) => {
        // Rows whose parent was rejected (or never existed) leave orphans: the foreign key is still added, as
        // NOT VALID – enforced for new rows – and the orphans are reported instead of failing the whole copy.
        if (error.code === FOREIGN_KEY_VIOLATION && isForeignKey(statement.sql)) {
          await run(`${statement.sql} NOT VALID`)
          const table = statement.sql
            .replace(/^ALTER TABLE (\S+) .*$/s, '$1')
            .replace(/^"[^"]*"\./, '')
            .replace(/"/g, '')
          const warning = `${table}: ${error.detail ?? error.message} – the foreign key was added NOT VALID (new rows are checked); fix the orphaned rows, then VALIDATE CONSTRAINT.`
          warnings.push(warning)
          log('warn', warning)
          return
        }
        throw error instanceof Cancelled
          ? error
          : new Error(
              `${shownStatement(statement.sql)} failed: ${error.message}${error.detail ? ` (${error.detail})` : ''}`,
            )
      })
    }
    // Translated CHECK constraints, views and indexes: one that PostgreSQL refuses is reported as not copied
    // (and tried again on a resume); a CHECK that rows violate is added NOT VALID, like a foreign key.
    const runOptional = async (client: pg.Client, statements: readonly OptionalStatement[], offset: number) => {
      for (const [i, statement] of statements.entries()) {
        if (copyState.afterLoadDone.includes(offset + i)) continue
        if (o.signal?.aborted) throw new Cancelled()
        const run = (sql: string) =>
          inTransaction(client, async () => {
            await client.query(sql)
            await recordAfterLoad(client, o.copyId, offset + i)
          })
        await run(statement.sql).catch(async (error: Error & { code?: string }) => {
          if (error.code === CHECK_VIOLATION && /\bCHECK\b/.test(statement.sql)) {
            await run(`${statement.sql} NOT VALID`)
            const warning = `${statement.table}: rows violate ${statement.object} – it was added NOT VALID (new rows are checked); fix the rows, then VALIDATE CONSTRAINT.`
            warnings.push(warning)
            log('warn', warning)
            return
          }
          if (!error.code?.startsWith('42') && !error.code?.startsWith('22') && error.code !== UNIQUE_VIOLATION)
            throw error instanceof Cancelled
              ? error
              : new Error(
                  `${statement.table ? `${statement.table}: ` : ''}${statement.object} failed: ${error.message}`,
                )
          const item = {
            table: statement.table,
            object: statement.object,
            reason: `PostgreSQL refused it: ${error.message}`,
          }
          notCopied.push(item)
          log('warn', `${item.table ? `${item.table}: ` : ''}${item.object} not copied – ${item.reason}`)
        })
      }
    }
    try {
      const parallel = pending.filter((s) => !isForeignKey(s.sql))
      let next = 0
      await Promise.all(
        connections.map(async (client) => {
          for (let statement = parallel[next++]; statement; statement = parallel[next++])
            await runStatement(client, statement)
        }),
      )
      const [first] = connections
      for (const statement of pending.filter((s) => isForeignKey(s.sql)))
        if (first) await runStatement(first, statement)
      if (first) await runOptional(first, ddl?.optional ?? [], afterLoad.length)
    } catch (error) {
      if (error instanceof Cancelled)
        return {
          status: 'CANCELLED',
          tables: tracker.snapshot(),
          warnings,
          notes,
          notCopied,
          seconds: seconds(),
          indexSeconds: 0,
        }
      return {
        status: 'FAILED',
        tables: tracker.snapshot(),
        warnings,
        notes,
        notCopied,
        error: (error as Error).message,
        seconds: seconds(),
        indexSeconds: 0,
      }
    }
    await recordPhase(session, o.copyId, 'done')
    for (const t of tables) tracker.end(t.name, 'done')
    const indexSeconds = Math.round((performance.now() - indexStarted) / 100) / 10
    return {
      status: 'SUCCEEDED',
      tables: tracker.snapshot(),
      warnings,
      notes,
      notCopied,
      seconds: seconds(),
      indexSeconds,
    }
  } finally {
    clearInterval(ticker)
    report()
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)))
  }
}
