import type pg from 'pg'
import { finished } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { Cancelled } from '@/lib/targets/sql/session'
import { cyclicGroups, targetReferences } from './held-keys'
import type { ChunkReader, KeyValue, RejectedRow, SourceTable } from './model'
import type { CopyOptions } from './options'
import type { Tracker } from './progress'
import { recordChunk, type CopyState, type PartState } from './state'
import { inTransaction, type PgError } from './statements'
import type { TablePlan } from './table-plans'

// The load: the parts not yet done, largest tables first, taken by one job per connection. Each chunk's rows
// and the record of its last key commit in one transaction, so an interruption loses at most the chunks in
// flight, and the copy resumes after the last one committed.

export type LoadContext = {
  o: CopyOptions
  schema: string
  chunkRows: number
  state: CopyState
  tables: readonly SourceTable[]
  plans: ReadonlyMap<string, TablePlan>
  tracker: Tracker
  connections: readonly pg.Client[]
}

/** Why the load stopped early: a failure's message, or a cancel; neither when every part is done. */
export type LoadOutcome = { failure: string | null; cancelled: boolean }

const describeError = (table: string, error: unknown) => {
  const e = error as PgError
  return `${table}: ${e.message}${e.detail ? ` (${e.detail})` : ''}${e.where ? ` – ${e.where.split('\n')[0]}` : ''}`
}

/**
 * Which part a job takes next: one whose parents are loaded, 'wait' until one is, null when none is left;
 * `ready`: whether a part's parents are loaded (a copy shared by workers publishes the parts that are).
 */
export async function scheduler({ o, schema, state, tables, plans }: LoadContext) {
  const queue = state.parts
    .filter((p) => !p.done)
    .sort((a, b) => (plans.get(b.table)?.source.rows ?? 0) - (plans.get(a.table)?.source.rows ?? 0) || a.part - b.part)
  const taken = new Set<PartState>()
  const tableDone = (name: string) => state.parts.filter((p) => p.table === name).every((p) => p.done)
  // Into existing tables, parents load before children (their foreign keys are checked row by row); within a
  // cycle of references there is no such order, and its foreign keys are held back for the load instead.
  // The target's own foreign keys count too (those of its partitions included).
  const names = tables.map((t) => t.name)
  const references = [
    ...tables.flatMap((t) => t.references.map((r) => ({ from: t.name, to: r }))),
    ...(o.mode === 'existing' ? await targetReferences(o.session, schema, names) : []),
  ]
  const cycles = cyclicGroups(names, references)
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
  return { take, tableDone, ready }
}

/** The rows rejected per column (`table.column`), with a reason of one of them. */
export type RejectedColumn = { where: string; rows: number; example: string }

/** Why a copy stopped over its rejected rows, naming the columns that rejected most. */
export function tooManyRejected(rejected: number, limit: number, columns: readonly RejectedColumn[]): string {
  const top = [...columns]
    .sort((a, b) => b.rows - a.rows)
    .slice(0, 5)
    .map((c) => `${c.where} (${c.rows}; e.g. ${c.example})`)
  return `${rejected} rows were rejected, more than the limit of ${limit}. ${top.length ? `Most rejected: ${top.join('; ')}.` : ''}`.trim()
}

/** What copying one part takes: a connection on the target, a reader on the source, the table's plan. */
export type PartCopy = {
  client: pg.Client
  reader: ChunkReader
  plan: TablePlan
  part: PartState
  copyId: string
  chunkRows: number
  onRejects?: (rejects: RejectedRow[]) => Promise<void>
  /** Asked before each chunk: false stops between chunks (the part stays where it got to); may throw Cancelled. */
  proceed: () => boolean
  /** After each committed chunk, with its rejected rows. */
  committed?: (rejects: readonly RejectedRow[]) => void | Promise<void>
}

/** One chunk of a part: its rows and the record of its last key in one transaction. */
const copyChunk = ({ client, reader, plan, part, copyId, chunkRows, onRejects }: PartCopy) =>
  inTransaction(client, async () => {
    const after: KeyValue[] | null = part.lastKey ?? (part.lo !== null ? [{ i: part.lo }] : null)
    if (plan.merge) await client.query(plan.merge.createStage)
    const sink = client.query(copyFrom(plan.copySql))
    // PostgreSQL refusing the COPY, or the connection ending, ends the chunk with its message (the reader may be
    // waiting on the stream). The COPY is then over on the server.
    let over = false
    const refused = new Promise<never>((_, reject) =>
      sink.once('error', (error) => {
        over = true
        reject(error)
      }),
    )
    refused.catch(() => undefined)
    try {
      const result = await Promise.race([
        reader.chunk(plan.source, plan.columns, { after, hi: part.hi, limit: chunkRows }, sink, plan.format),
        refused,
      ])
      sink.end()
      await finished(sink)
      const rows = sink.rowCount
      if (plan.merge) await client.query(plan.merge.insert)
      if (result.rejects.length) await onRejects?.(result.rejects)
      const rejected = result.read - result.written
      const done = result.exhausted
      const restart = plan.source.key === 'none'
      await recordChunk(client, copyId, part, { lastKey: result.lastKey, written: rows, rejected, done, restart })
      return { rows, rejected, rejects: result.rejects, lastKey: result.lastKey, done }
    } catch (error) {
      if (over) {
        // The server ended the COPY already: the stream is only closed to the reader's writes in flight. Waiting
        // for it to finish would wait for an answer from the server that never comes (to a COPY it refused
        // before it began).
        sink.on('error', () => undefined)
        sink.destroy()
      } else if (!sink.writableFinished) {
        sink.destroy(error as Error)
        await finished(sink).catch(() => undefined)
      }
      throw error
    }
  }).catch((error: unknown) => {
    throw error instanceof Cancelled ? error : new Error(describeError(part.table, error))
  })

/**
 * Copies a part chunk by chunk from where its record says it got to, until its range is exhausted or `proceed`
 * says stop. The one way a part is copied, by the in-process load below and by workers sharing a copy (./shared.ts).
 */
export async function copyPart(job: PartCopy): Promise<void> {
  const { part, plan } = job
  while (!part.done) {
    if (!job.proceed()) return
    const chunk = await copyChunk(job)
    part.written = plan.source.key === 'none' ? chunk.rows : part.written + chunk.rows
    part.rejected += chunk.rejected
    part.lastKey = chunk.lastKey ?? part.lastKey
    part.done = chunk.done
    await job.committed?.(chunk.rejects)
  }
}

/** Loads every part not yet done; never throws for a table's failure (the outcome names it). */
export async function loadParts(context: LoadContext): Promise<LoadOutcome> {
  const { o, chunkRows, tracker, connections } = context
  const { take, tableDone } = await scheduler(context)
  const reasons = new Map<string, { rows: number; example: string }>()
  const outcome: LoadOutcome = { failure: null, cancelled: false }
  let wake: () => void = () => undefined
  let changed = new Promise<void>((r) => (wake = r))
  const notify = () => {
    wake()
    changed = new Promise<void>((r) => (wake = r))
  }

  const noteRejects = (rejects: readonly RejectedRow[]) => {
    for (const r of rejects) {
      const key = `${r.table}.${r.column}`
      const seen = reasons.get(key) ?? { rows: 0, example: r.reason }
      seen.rows++
      reasons.set(key, seen)
    }
    if (o.maxRejectedRows != null && tracker.rejected() > o.maxRejectedRows && !outcome.failure) {
      const columns = [...reasons.entries()].map(([where, r]) => ({ where, ...r }))
      outcome.failure = tooManyRejected(tracker.rejected(), o.maxRejectedRows, columns)
    }
  }

  const copyOne = async (client: pg.Client, reader: ChunkReader, part: PartState) => {
    const plan = context.plans.get(part.table)
    if (!plan) throw new Error(`No plan for the table ${part.table}.`)
    tracker.begin(part.table)
    await copyPart({
      client,
      reader,
      plan,
      part,
      copyId: o.copyId,
      chunkRows,
      onRejects: o.onRejects,
      proceed: () => {
        if (o.signal?.aborted) throw new Cancelled()
        return !outcome.failure
      },
      committed: noteRejects,
    })
    if (tableDone(part.table)) tracker.end(part.table, 'done')
  }

  const job = async (client: pg.Client) => {
    const reader = await o.source.reader()
    try {
      for (;;) {
        if (outcome.failure || outcome.cancelled) return
        const next = take()
        if (next === null) return
        if (next === 'wait') {
          await changed
          continue
        }
        try {
          await copyOne(client, reader, next)
        } finally {
          notify()
        }
      }
    } catch (error) {
      if (error instanceof Cancelled) outcome.cancelled = true
      else outcome.failure ??= (error as Error).message
      notify()
    } finally {
      await reader.close()
    }
  }
  await Promise.all(connections.map(job))
  return outcome
}
