import type { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { columnDateEncoding } from '@/lib/engine/copy/sqlite-source'
import { rowidName, type SqliteTable } from '@/lib/engine/copy/sqlite-schema'
import { readMappedSqliteSchema } from '@/lib/engine/copy/sqlite-mapping'
import { startBuiltThread } from '@/lib/runtime/threads'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import type { TCopyMapping } from '@/lib/domain/mapping'
import { quoteIdent } from '@/lib/targets/quote'
import { dateEncodingFrom, type DateEncoding } from '@/lib/engine/copy/values'
import { addLanes } from './canonical'
import type { Digest, Filter, Grouping, Rows, Scope, TableShape, ValidationSide } from './model'
import type { ScanJob, ScanResult } from './sqlite/scan'
import type { ScanReply, ScanRequest } from './sqlite/worker'

// A SQLite file as one side of a validation. SQLite has no MD5 and prints values its own way, so rows are
// read (better-sqlite3, safe integers) and canonicalised and hashed in JavaScript – in THREADS threads,
// each scanning its own key or rowid range, while PostgreSQL computes the other side at the same time.

const DATE_KINDS = new Set(['timestamptz', 'timestamp', 'date'])
const THREADS = 2
/** Scans of fewer rows than this run in one thread. */
const SPLIT_ROWS = 20_000
/** Range filters of more ranges than this go RANGES_PER_JOB ranges to a scan (one statement of ORed ranges). */
const FEW_RANGES = 16
const RANGES_PER_JOB = 256

type Pool = { run(job: ScanJob): Promise<ScanResult>; close(): Promise<void> }

/** Threads no validation uses, kept warm for IDLE_MS. */
const IDLE_MS = 30_000
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = []

function takeIdleThread(): Worker | null {
  const spare = idle.pop()
  if (!spare) return null
  clearTimeout(spare.timer)
  return spare.worker
}

function putIdleThread(worker: Worker) {
  worker.postMessage({ release: true } satisfies ScanRequest)
  const timer = setTimeout(() => {
    const i = idle.findIndex((t) => t.worker === worker)
    if (i >= 0) idle.splice(i, 1)
    void worker.terminate()
  }, IDLE_MS)
  timer.unref()
  worker.unref()
  idle.push({ worker, timer })
}

function startPool(path: string, size: number): Pool {
  const threads: Worker[] = []
  const free: Worker[] = []
  const waiting: ((w: Worker) => void)[] = []
  const pending = new Map<number, { resolve: (r: ScanResult) => void; reject: (e: Error) => void }>()
  let nextId = 0
  let broken = false
  const release = (worker: Worker) => {
    const next = waiting.shift()
    if (next) next(worker)
    else free.push(worker)
  }
  const onMessage = (worker: Worker) => (reply: ScanReply) => {
    const waiter = pending.get(reply.id)
    if (!waiter) return
    pending.delete(reply.id)
    release(worker)
    if ('error' in reply) waiter.reject(new Error(reply.error))
    else waiter.resolve(reply.result)
  }
  const onError = (error: Error) => {
    broken = true
    for (const waiter of pending.values()) waiter.reject(error)
    pending.clear()
  }
  const listeners = new Map<Worker, (reply: ScanReply) => void>()
  const acquire = () =>
    new Promise<Worker>((resolve) => {
      const ready = free.pop()
      if (ready) return resolve(ready)
      if (threads.length < size) {
        const worker = takeIdleThread() ?? startBuiltThread('validate-sqlite-scan', {})
        worker.ref()
        const listener = onMessage(worker)
        listeners.set(worker, listener)
        worker.on('message', listener)
        worker.on('error', onError)
        threads.push(worker)
        return resolve(worker)
      }
      waiting.push(resolve)
    })
  return {
    async run(job) {
      const worker = await acquire()
      const id = nextId++
      return new Promise<ScanResult>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        worker.postMessage({ id, path, job } satisfies ScanRequest)
      })
    },
    async close() {
      for (const worker of threads) {
        worker.off('message', listeners.get(worker) as (reply: ScanReply) => void)
        worker.off('error', onError)
        // A thread that failed, or still has a scan running (a cancelled validation), is not reused.
        if (broken || pending.size) await worker.terminate()
        else putIdleThread(worker)
      }
      threads.length = 0
    },
  }
}

/** Splits [lo, hi] into at most `parts` ranges, on multiples of `align` from `base`. */
function splitRange(lo: bigint, hi: bigint, parts: number, base: bigint, align: bigint): [bigint, bigint][] {
  const segments = (hi - base) / align - (lo - base) / align + 1n
  const per = (segments + BigInt(parts) - 1n) / BigInt(parts)
  const ranges: [bigint, bigint][] = []
  for (let from = lo; from <= hi;) {
    const firstSegment = (from - base) / align
    const to = base + (firstSegment + per) * align - 1n
    ranges.push([from, to < hi ? to : hi])
    from = to + 1n
  }
  return ranges
}

/**
 * `mapping`: the copy's mapping – the file is read as the copy read it (its new names, types, transforms and
 * filters), so what the copy changed on purpose compares equal and filtered rows are not missing.
 */
export function sqliteSide(path: string, label = path, options: { mapping?: TCopyMapping } = {}): ValidationSide {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  const dates = new Map<string, DateEncoding>()
  let pool: Pool | null = null
  const threads = () => (pool ??= startPool(path, THREADS))

  // A datetime column's encoding is decided over all its values (as the copy decides it). Counting them
  // costs a pass over the table, so the first pass of a table – which reads every row anyway – starts
  // from a guess on a sample and counts as it goes; a wrong guess (rare: a column stored mostly one way,
  // its first rows another) is corrected and that pass repeated.
  const guessed = new Set<string>()
  const dateEncoding = (t: SqliteTable, column: string, firstPass: boolean) => {
    const table = t.name
    const key = `${table}\u0000${column}`
    let encoding = dates.get(key)
    const transform = t.columns.find((c) => c.name === column)?.transform
    if (!encoding && firstPass) {
      const c = transform ? `(${transform})` : quoteIdent(column)
      const sample = db
        .prepare(
          `SELECT coalesce(sum(typeof(v) IN ('text', 'blob')), 0) AS text, coalesce(sum(typeof(v) IN ('integer', 'real') AND abs(v) >= 1e11), 0) AS millis, count(*) AS stored FROM (SELECT ${c} AS v FROM ${quoteIdent(table)} WHERE ${c} IS NOT NULL${t.filter ? ` AND (${t.filter})` : ''} LIMIT 1000)`,
        )
        .get() as { text: number; millis: number; stored: number }
      dates.set(
        key,
        (encoding = dateEncodingFrom({
          text: sample.text,
          seconds: sample.stored - sample.text - sample.millis,
          millis: sample.millis,
        })),
      )
      guessed.add(key)
    }
    if (!encoding) dates.set(key, (encoding = columnDateEncoding(db, table, column, { transform, filter: t.filter })))
    return encoding
  }
  const scanned = new Set<string>()
  // Tables and columns are named as the copy named them on the target (names past PostgreSQL's 63 bytes
  // shortened), and read by their SQLite names.
  let cached: { schema: SqliteTable[]; byTarget: Map<string, SqliteTable> } | null = null
  const read = () => {
    if (cached) return cached
    const schema = readMappedSqliteSchema(db, undefined, options.mapping ?? EMPTY_MAPPING)
    return (cached = { schema, byTarget: new Map(schema.map((t) => [t.pgName, t])) })
  }
  const sqliteTable = (name: string) => read().byTarget.get(name)?.name ?? name
  const sqliteColumn = (table: string, column: string) =>
    read()
      .byTarget.get(table)
      ?.columns.find((c) => c.pgName === column)?.name ?? column
  /** A column as SQLite reads it: its transform, else itself. */
  const readAs = (table: string, column: string) => {
    const c = read()
      .byTarget.get(table)
      ?.columns.find((x) => x.pgName === column)
    return c?.transform ? `(${c.transform})` : quoteIdent(c?.name ?? column)
  }
  /** The mapping's filter of a table, as a condition to add; null without one. */
  const filterOf = (table: string) => {
    const filter = read().byTarget.get(table)?.filter
    return filter ? `(${filter})` : null
  }
  const tableOf = (name: string) => {
    const t = read().byTarget.get(name)
    if (!t) throw new Error(`The source has no table “${name}”.`)
    return t
  }
  const rowidOf = (table: string) => {
    const t = read().byTarget.get(table)
    return t ? rowidName(t) : 'rowid'
  }

  function job(
    scope: Scope,
    where: string[],
    params: (string | number | bigint)[],
    output: ScanJob['output'],
    prefixes?: string[],
  ): ScanJob {
    const t = sqliteTable(scope.table.name)
    const firstPass = output.kind === 'digests' && !scanned.has(scope.table.name)
    const split = where.length === 1 && params.length === 2
    const filter = filterOf(scope.table.name)
    const conditions = filter ? [...where, filter] : where
    return {
      split,
      sql: `SELECT ${scope.columns.map((c) => readAs(scope.table.name, c.name)).join(', ')} FROM ${quoteIdent(t)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`,
      params,
      columns: scope.columns.map((c) => ({
        type: c.type,
        dates: DATE_KINDS.has(c.type.kind)
          ? dateEncoding(tableOf(scope.table.name), sqliteColumn(scope.table.name, c.name), firstPass)
          : undefined,
      })),
      key: scope.key.map((k) => scope.columns.findIndex((c) => c.name === k)),
      prefixes,
      output,
      hash: scope.hash,
    }
  }

  /** The scan's jobs: split by key range (range filters) or by rowid (other scans of rowid tables) when there are enough rows. */
  async function jobs(
    scope: Scope,
    filter: Filter,
    output: ScanJob['output'],
    grouping?: Grouping,
  ): Promise<ScanJob[]> {
    const prefixes = filter.kind === 'prefix' ? filter.prefixes : undefined
    if (filter.kind === 'ranges') {
      // A job per range, shared out among the threads; many ranges (rows changed here and there) a few hundred a job.
      const k = readAs(scope.table.name, scope.key[0] ?? '')
      if (filter.ranges.length <= FEW_RANGES)
        return filter.ranges.map(([lo, hi]) => job(scope, [`${k} BETWEEN ? AND ?`], [lo, hi], output))
      const jobs: ScanJob[] = []
      for (let i = 0; i < filter.ranges.length; i += RANGES_PER_JOB) {
        const some = filter.ranges.slice(i, i + RANGES_PER_JOB)
        jobs.push(job(scope, [`(${some.map(() => `${k} BETWEEN ? AND ?`).join(' OR ')})`], some.flat(), output))
      }
      return jobs
    }
    if (filter.kind === 'range') {
      const k = readAs(scope.table.name, scope.key[0] ?? '')
      const base = grouping?.kind === 'range' ? grouping.lo : filter.lo
      const align = grouping?.kind === 'range' ? grouping.width : 1n
      const parts = output.kind === 'digests' && filter.hi - filter.lo >= BigInt(SPLIT_ROWS) ? THREADS : 1
      return splitRange(filter.lo, filter.hi, parts, base, align).map(([lo, hi]) =>
        job(scope, [`${k} BETWEEN ? AND ?`], [lo, hi], output),
      )
    }
    if (output.kind === 'digests' && scope.table.rowid) {
      // A column of the table's own may be called rowid: the hidden rowid then answers to another name.
      const name = rowidOf(scope.table.name)
      const bounds = db
        .prepare(
          `SELECT min(${name}) AS lo, max(${name}) AS hi, count(*) AS n FROM ${quoteIdent(sqliteTable(scope.table.name))}${filterOf(scope.table.name) ? ` WHERE ${filterOf(scope.table.name)}` : ''}`,
        )
        .safeIntegers(true)
        .get() as { lo: bigint | null; hi: bigint | null; n: bigint }
      if (bounds.lo !== null && bounds.hi !== null && bounds.n >= BigInt(SPLIT_ROWS)) {
        return splitRange(bounds.lo, bounds.hi, THREADS, bounds.lo, 1n).map(([lo, hi]) =>
          job(scope, [`${name} BETWEEN ? AND ?`], [lo, hi], output, prefixes),
        )
      }
    }
    return [job(scope, [], [], output, prefixes)]
  }

  async function digests(scope: Scope, filter: Filter, grouping: Grouping): Promise<Map<string, Digest>> {
    const table = scope.table.name
    const first = !scanned.has(table)
    const results = await Promise.all(
      (await jobs(scope, filter, { kind: 'digests', grouping }, grouping)).map((j) => threads().run(j)),
    )
    scanned.add(table)
    if (first) {
      // The first pass read every row: it decides the encodings it guessed; a wrong guess is read again.
      let wrong = false
      scope.columns.forEach((c, i) => {
        const key = `${sqliteTable(table)}\u0000${sqliteColumn(table, c.name)}`
        if (!guessed.has(key)) return
        guessed.delete(key)
        const counts = { text: 0, seconds: 0, millis: 0 }
        for (const r of results) {
          const d = r.kind === 'digests' ? r.dates[i] : null
          if (!d) continue
          counts.text += d.text
          counts.seconds += d.seconds
          counts.millis += d.millis
        }
        const decided = dateEncodingFrom(counts)
        if (decided !== dates.get(key)) {
          dates.set(key, decided)
          wrong = true
        }
      })
      if (wrong) return digests(scope, filter, grouping)
    }
    const merged = new Map<string, Digest>()
    for (const result of results) {
      if (result.kind !== 'digests') continue
      for (const [bucket, count, h1, h2] of result.entries) {
        const known = merged.get(bucket)
        merged.set(bucket, known ? { count: known.count + count, ...addLanes(known, { h1, h2 }) } : { count, h1, h2 })
      }
    }
    return merged
  }

  return {
    engine: 'sqlite',
    label,
    async tables() {
      const { schema } = read()
      return schema.map<TableShape>((t) => {
        const pg = (columns: readonly string[], table = t) =>
          columns.map((n) => table.columns.find((c) => c.name === n)?.pgName ?? n)
        return {
          name: t.pgName,
          columns: t.columns.map((c) => ({ name: c.pgName, type: c.type, notNull: c.notNull })),
          primaryKey: pg(t.primaryKey),
          uniques: [
            ...(t.primaryKey.length ? [pg(t.primaryKey)] : []),
            ...t.indexes.filter((i) => i.unique && !i.partial).map((i) => pg(i.columns)),
          ],
          foreignKeys: t.foreignKeys.map((f) => {
            const parent = schema.find((p) => p.name === f.table)
            return {
              name: null,
              columns: pg(f.columns),
              table: parent?.pgName ?? f.table,
              refColumns: parent ? pg(f.references, parent) : f.references,
              validated: true,
            }
          }),
          rowid: !t.withoutRowid,
          rowidAlias: t.rowidAlias === null ? null : (pg([t.rowidAlias])[0] ?? null),
        }
      })
    },
    async count(table) {
      const filter = filterOf(table.name)
      return (
        db
          .prepare(
            `SELECT count(*) AS n FROM ${quoteIdent(sqliteTable(table.name))}${filter ? ` WHERE ${filter}` : ''}`,
          )
          .get() as { n: number }
      ).n
    },
    // SQLite counts a table from its smallest b-tree, without reading the rows: its count is its estimate.
    async estimate(table) {
      return this.count(table)
    },
    async bounds(table, column) {
      const c = readAs(table.name, column)
      const filter = filterOf(table.name)
      const from = `${quoteIdent(sqliteTable(table.name))}${filter ? ` WHERE ${filter}` : ''}`
      if (table.rowidAlias === column) {
        const row = db.prepare(`SELECT min(${c}) AS lo, max(${c}) AS hi FROM ${from}`).safeIntegers(true).get() as {
          lo: bigint | null
          hi: bigint | null
        }
        return row.lo === null || row.hi === null ? null : { min: row.lo, max: row.hi }
      }
      // Keys stored as something other than an integer (possible unless the key is the rowid) fall outside
      // any range: such a table is compared by key hash instead.
      const row = db
        .prepare(`SELECT min(${c}) AS lo, max(${c}) AS hi, sum(typeof(${c}) <> 'integer') AS other FROM ${from}`)
        .safeIntegers(true)
        .get() as { lo: bigint | null; hi: bigint | null; other: bigint | null }
      if (row.other) return { min: 0n, max: 0n, mixed: true }
      return row.lo === null || row.hi === null ? null : { min: row.lo, max: row.hi }
    },
    digests,
    async rows(scope, filter, limit) {
      const results = await Promise.all(
        (await jobs(scope, filter, { kind: 'rows', limit })).map((j) => threads().run(j)),
      )
      const rows: Rows = new Map()
      for (const result of results)
        if (result.kind === 'rows') for (const [key, values] of result.rows) rows.set(key, values)
      return rows
    },
    async close() {
      await pool?.close()
      pool = null
      db.close()
    },
  }
}
