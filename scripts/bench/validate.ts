// Benchmark: validating a 1,000,000-row table (copy.ts's SQLite table `items`, six mixed columns) in one run,
// SQLite → PostgreSQL and PostgreSQL → PostgreSQL on the same embedded PostgreSQL, two ways side by side:
//   - Lockstep's validation (runValidation: checksums of key ranges on both sides, bisected down to the rows
//     that differ), with maxDifferences 10,000 so every difference is counted;
//   - the naive way: fetch every row from both sides (better-sqlite3 .all(), pg SELECT * ORDER BY id) and
//     compare them in JavaScript after the usual normalisation (ids as text, 0/1 as booleans, instants as
//     epoch milliseconds).
// Three targets, each prepared once by Lockstep's copy from the same SQLite file (a fourth copy is the
// PostgreSQL source): identical; 1 differing row (one email updated); 1,000 differing rows at seeded random
// ids – 334 updated (one column each, in turn email, score, active, created_at, note) and 333 deleted,
// spread over the table, and 333 extra rows (the source's keys are dense, so the extras take free keys
// just past its last one, spread over the next 1 % of the key space).
//   npm run bench:validate [-- --rows 1000000 --repeat 3 --json]
// Each validation is timed from opening both sides to closing them. After one untimed warm-up pass of
// Lockstep's validation over every scenario (page cache, the SQLite threads' bundle), the runs are
// interleaved REPEAT times and the median is reported (this machine's timings vary by ±15 % from one run to
// the next). Every result is checked: a wrong count of differences stops the benchmark (exit 1).
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { runCopy } from '@/lib/engine/copy/engine'
import { sqliteSource } from '@/lib/engine/copy/sqlite-source'
import { runValidation } from '@/lib/engine/validate/engine'
import type { Filter, Grouping, Scope, TableShape, ValidationSide } from '@/lib/engine/validate/model'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { sqliteSide } from '@/lib/engine/validate/sqlite-side'
import { ensureThreadScripts } from '@/lib/runtime/build-threads'
import { startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { makeSqlite } from './copy'
import { arg } from './args'

const ROWS = arg('rows', 1_000_000)
const REPEAT = arg('repeat', 3)
const JSON_OUTPUT = process.argv.includes('--json')
const DIR = join(tmpdir(), 'lockstep-bench-validate')
const say = (message: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${message}\n`)

const TARGETS = { sqliteRowsPerSecond: 600_000, postgresRowsPerSecond: 2_000_000, oneDiffRatio: 1.2, naiveSpeedup: 3 }

type Direction = 'sqlite' | 'postgres'
const DIRECTIONS: Direction[] = ['sqlite', 'postgres']
const DIRECTION_LABEL: Record<Direction, string> = { sqlite: 'SQLite → PG', postgres: 'PG → PG' }
type Method = 'lockstep' | 'naive'
const METHOD_LABEL: Record<Method, string> = { lockstep: 'Lockstep validation', naive: 'naive fetch + compare' }

type Found = { changed: number; missing: number; extra: number }
type Scenario = {
  name: 'identical' | '1 diff' | '1,000 diffs'
  database: string
  ids: { changed: number[]; missing: number[]; extra: number[] }
}
/** Seconds spent in each side's calls (the two sides work at the same time), by method. */
type Busy = Record<string, number>
type Run = { seconds: number; found: Found; breakdown: Record<string, number>; calls?: Record<string, number> }
type Result = {
  direction: Direction
  scenario: Scenario['name']
  method: Method
  rows: number
  seconds: number
  runs: number[]
  rowsPerSecond: number
  found: Found
  /** Of the median run: Lockstep – seconds each side was busy (source.*, target.*); naive – fetching and comparing. */
  breakdown: Record<string, number>
  /** Lockstep: the number of calls of each side's methods in the median run. */
  calls?: Record<string, number>
}

/** A small seeded generator (mulberry32), so the differing rows are the same from run to run. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` distinct integers from [from, from + span), drawn with `next`, in ascending order. */
function distinct(next: () => number, count: number, from: number, span: number): number[] {
  const chosen = new Set<number>()
  while (chosen.size < count) chosen.add(from + Math.floor(next() * span))
  return [...chosen].sort((a, b) => a - b)
}

const time = async <T>(fn: () => Promise<T>) => {
  const started = performance.now()
  const value = await fn()
  return { value, seconds: (performance.now() - started) / 1000 }
}

/** The side with each of its calls timed into `busy` and counted into `calls` (prefixed by `name`); its connection and schema are kept. */
function timed<S extends ValidationSide>(side: S, name: string, busy: Busy, calls: Record<string, number>): S {
  const wrap =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now()
      try {
        return await fn(...args)
      } finally {
        const key = `${name}.${method}`
        busy[key] = (busy[key] ?? 0) + (performance.now() - started) / 1000
        calls[key] = (calls[key] ?? 0) + 1
      }
    }
  return {
    ...side,
    tables: wrap('tables', () => side.tables()),
    count: wrap('count', (table: TableShape) => side.count(table)),
    bounds: wrap('bounds', (table: TableShape, column: string) => side.bounds(table, column)),
    digests: wrap('digests', (scope: Scope, filter: Filter, grouping: Grouping) =>
      side.digests(scope, filter, grouping),
    ),
    rows: wrap('rows', (scope: Scope, filter: Filter, limit: number) => side.rows(scope, filter, limit)),
  }
}

const sum = (busy: Record<string, number>, prefix: string) =>
  Object.entries(busy).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0)

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function main() {
  await ensureThreadScripts(say)
  if (!(ROWS >= 10_000) || !(REPEAT >= 1)) throw new Error('--rows must be at least 10000 and --repeat at least 1.')
  await rm(DIR, { recursive: true, force: true })
  await mkdir(DIR, { recursive: true })
  say(`Generating ${ROWS.toLocaleString('en')} rows in SQLite…`)
  const sqlitePath = join(DIR, 'items.db')
  makeSqlite(sqlitePath, ROWS)

  // The differing rows, drawn once.
  const next = random(20_240_601)
  const [oneId = 1] = distinct(next, 1, 1, ROWS)
  const spread = distinct(next, 667, 1, ROWS)
  const shuffled = spread.map((id) => ({ id, r: next() })).sort((a, b) => a.r - b.r)
  const changed = shuffled
    .slice(0, 334)
    .map((s) => s.id)
    .sort((a, b) => a - b)
  const missing = shuffled
    .slice(334)
    .map((s) => s.id)
    .sort((a, b) => a - b)
  const extra = distinct(next, 333, ROWS + 1, Math.max(1_000, Math.floor(ROWS / 100)))
  const scenarios: Scenario[] = [
    { name: 'identical', database: 'bench_identical', ids: { changed: [], missing: [], extra: [] } },
    { name: '1 diff', database: 'bench_one', ids: { changed: [oneId], missing: [], extra: [] } },
    { name: '1,000 diffs', database: 'bench_thousand', ids: { changed, missing, extra } },
  ]

  const server = await startEmbeddedPostgres({ dataDir: join(DIR, 'pg'), password: 'bench' })
  try {
    const url = (database: string) => `${server.url(database)}?sslmode=disable`

    // The PostgreSQL source and the three targets: each a copy of the SQLite file by Lockstep's copy engine.
    for (const database of ['bench_source', ...scenarios.map((s) => s.database)]) {
      say(`Copying the SQLite table into ${database}…`)
      await server.createDatabase(database)
      await withClient(url(database), async (session) => {
        const summary = await runCopy({
          copyId: 'bench',
          session,
          target: postgresTargetFromUrl(url(database)),
          source: sqliteSource(sqlitePath),
          mode: 'create',
          onRejects: async () => undefined,
        })
        const written = summary.tables.reduce((n, t) => n + t.written, 0)
        if (summary.status !== 'SUCCEEDED' || written !== ROWS)
          throw new Error(
            `The copy into ${database} ${summary.status === 'SUCCEEDED' ? `wrote ${written} rows, not ${ROWS}` : `failed: ${summary.error ?? summary.status}`}.`,
          )
        // Only the table itself is compared: the copy's own record goes.
        await session.query('DROP TABLE lockstep.copy_part, lockstep.copy')
      })
    }
    await withClient(url('bench_one'), (c) =>
      c.query(`UPDATE items SET email = 'changed@example.com' WHERE id = $1`, [oneId]),
    )
    await withClient(url('bench_thousand'), async (c) => {
      const inTurn = (k: number) => changed.filter((_, i) => i % 5 === k)
      await c.query(`UPDATE items SET email = 'changed' || id || '@example.com' WHERE id = ANY ($1::bigint[])`, [
        inTurn(0),
      ])
      await c.query(`UPDATE items SET score = coalesce(score, 0) + 0.5 WHERE id = ANY ($1::bigint[])`, [inTurn(1)])
      await c.query(`UPDATE items SET active = NOT active WHERE id = ANY ($1::bigint[])`, [inTurn(2)])
      await c.query(`UPDATE items SET created_at = created_at + interval '1 second' WHERE id = ANY ($1::bigint[])`, [
        inTurn(3),
      ])
      await c.query(`UPDATE items SET note = coalesce(note, '') || ' changed' WHERE id = ANY ($1::bigint[])`, [
        inTurn(4),
      ])
      await c.query(`DELETE FROM items WHERE id = ANY ($1::bigint[])`, [missing])
      await c.query(
        `INSERT INTO items SELECT id, 'extra' || id || '@example.com', 1.5, true, timestamptz '2024-01-01 00:00:00+00' + id * interval '1 second', NULL FROM unnest($1::bigint[]) id`,
        [extra],
      )
    })
    for (const database of ['bench_source', ...scenarios.map((s) => s.database)])
      await withClient(url(database), (c) => c.query('VACUUM (FREEZE, ANALYZE) items'))

    const expected = (s: Scenario): Found => ({
      changed: s.ids.changed.length,
      missing: s.ids.missing.length,
      extra: s.ids.extra.length,
    })
    const shown = (f: Found) => `${f.changed} changed, ${f.missing} missing, ${f.extra} extra`
    const wrong = (what: string, s: Scenario, detail: string) =>
      new Error(`${what} on “${s.name}” is wrong: ${detail}. No figures are reported from wrong results.`)

    function check(report: ValidationReport, s: Scenario, direction: Direction): Found {
      const what = `Lockstep's validation ${DIRECTION_LABEL[direction]}`
      const table = report.tables.find((t) => t.table === 'items')
      if (!table || report.tables.length !== 1)
        throw wrong(what, s, `tables ${report.tables.map((t) => t.table).join(', ') || 'none'}`)
      const found = { changed: table.changed, missing: table.missing, extra: table.extra }
      const want = expected(s)
      const differs = want.changed + want.missing + want.extra > 0
      const problems = [
        report.status !== (differs ? 'FAILED' : 'PASSED') && `status ${report.status}`,
        table.state !== (differs ? 'MISMATCHED' : 'VALIDATED') &&
          `state ${table.state}${table.error ? ` (${table.error})` : ''}`,
        table.method !== 'key-ranges' && `method ${table.method}`,
        table.suspended && 'suspended',
        shown(found) !== shown(want) && `found ${shown(found)}, not ${shown(want)}`,
        table.samples.some((d) => !s.ids[d.kind].includes(Number(d.key))) &&
          `samples ${table.samples.map((d) => `${d.kind} ${d.key}`).join(', ')}`,
        report.integrity.length > 0 && `integrity findings ${report.integrity.map((f) => f.kind).join(', ')}`,
      ].filter(Boolean)
      if (problems.length) throw wrong(what, s, problems.join('; '))
      return found
    }

    async function lockstep(direction: Direction, s: Scenario): Promise<Run> {
      const busy: Busy = {}
      const calls: Record<string, number> = {}
      const { value: report, seconds } = await time(async () => {
        const source = timed(
          direction === 'sqlite' ? sqliteSide(sqlitePath) : postgresSide(postgresTargetFromUrl(url('bench_source'))),
          'source',
          busy,
          calls,
        )
        const target = timed(postgresSide(postgresTargetFromUrl(url(s.database))), 'target', busy, calls)
        try {
          return await runValidation(source, target, { maxDifferences: 10_000 })
        } finally {
          await Promise.all([source.close(), target.close()])
        }
      })
      return { seconds, found: check(report, s, direction), breakdown: busy, calls }
    }

    // The naive way: every row of both sides in memory, normalised, compared by id.
    type Row = [
      id: string,
      email: string,
      score: number | null,
      active: boolean,
      createdAt: number,
      note: string | null,
    ]
    type SqliteRow = {
      id: number
      email: string
      score: number | null
      active: number
      created_at: string
      note: string | null
    }
    type PgRow = {
      id: string
      email: string
      score: number | null
      active: boolean
      created_at: Date
      note: string | null
    }
    const fromSqlite = (r: SqliteRow): Row => [
      String(r.id),
      r.email,
      r.score,
      r.active === 1,
      Date.parse(`${r.created_at.replace(' ', 'T')}Z`),
      r.note,
    ]
    const fromPg = (r: PgRow): Row => [String(r.id), r.email, r.score, r.active, r.created_at.getTime(), r.note]

    async function naive(direction: Direction, s: Scenario): Promise<Run> {
      const breakdown: Record<string, number> = {}
      const started = performance.now()
      const lap = (name: string) => (breakdown[name] = (performance.now() - started) / 1000)
      const target = new pg.Client({ connectionString: url(s.database) })
      const source = direction === 'postgres' ? new pg.Client({ connectionString: url('bench_source') }) : null
      const differing: Record<keyof Found, number[]> = { changed: [], missing: [], extra: [] }
      try {
        await Promise.all([target.connect(), source?.connect()])
        const targetQuery = target.query<PgRow>('SELECT * FROM items ORDER BY id').then((r) => r.rows.map(fromPg))
        let sourceRows: Row[]
        if (source) sourceRows = (await source.query<PgRow>('SELECT * FROM items ORDER BY id')).rows.map(fromPg)
        else {
          const db = new Database(sqlitePath, { readonly: true })
          try {
            sourceRows = (db.prepare('SELECT * FROM items ORDER BY id').all() as SqliteRow[]).map(fromSqlite)
          } finally {
            db.close()
          }
        }
        lap('fetch source')
        const targetRows = await targetQuery
        lap('fetch both')
        const byId = new Map(targetRows.map((r) => [r[0], r]))
        for (const row of sourceRows) {
          const other = byId.get(row[0])
          if (!other) differing.missing.push(Number(row[0]))
          else if (row.some((v, i) => v !== other[i])) differing.changed.push(Number(row[0]))
          byId.delete(row[0])
        }
        for (const id of byId.keys()) differing.extra.push(Number(id))
      } finally {
        await Promise.all([target.end(), source?.end()])
      }
      const seconds = (performance.now() - started) / 1000
      breakdown.compare = seconds - (breakdown['fetch both'] ?? 0)
      const sameIds = (a: number[], b: number[]) =>
        a.length === b.length && [...a].sort((x, y) => x - y).every((id, i) => id === b[i])
      const found = {
        changed: differing.changed.length,
        missing: differing.missing.length,
        extra: differing.extra.length,
      }
      if (
        !sameIds(differing.changed, s.ids.changed) ||
        !sameIds(differing.missing, s.ids.missing) ||
        !sameIds(differing.extra, s.ids.extra)
      )
        throw wrong(
          `The naive comparison ${DIRECTION_LABEL[direction]}`,
          s,
          `found ${shown(found)}, not ${shown(expected(s))} (or other ids)`,
        )
      return { seconds, found, breakdown }
    }

    say('Warm-up: one untimed pass of Lockstep’s validation over every scenario…')
    for (const s of scenarios) for (const direction of DIRECTIONS) await lockstep(direction, s)
    const rssBeforeNaiveMb = Math.round(process.resourceUsage().maxRSS / 1024)

    const runs = new Map<string, Run[]>()
    const keyOf = (direction: Direction, s: Scenario, method: Method) => `${direction}|${s.name}|${method}`
    for (let round = 0; round < REPEAT; round++) {
      say(`Round ${round + 1} of ${REPEAT}…`)
      for (const s of scenarios) {
        for (const direction of DIRECTIONS) {
          for (const [method, fn] of [
            ['lockstep', lockstep],
            ['naive', naive],
          ] as const) {
            const run = await fn(direction, s)
            say(`  ${DIRECTION_LABEL[direction]}, ${s.name}, ${METHOD_LABEL[method]}: ${run.seconds.toFixed(2)} s`)
            const key = keyOf(direction, s, method)
            runs.set(key, [...(runs.get(key) ?? []), run])
          }
        }
      }
    }

    const results: Result[] = []
    for (const direction of DIRECTIONS) {
      for (const s of scenarios) {
        for (const method of ['lockstep', 'naive'] as const) {
          const list = runs.get(keyOf(direction, s, method)) ?? []
          const sorted = [...list].sort((a, b) => a.seconds - b.seconds)
          const middle = sorted[Math.floor(sorted.length / 2)]
          if (!middle) continue
          results.push({
            direction,
            scenario: s.name,
            method,
            rows: ROWS,
            seconds: middle.seconds,
            runs: list.map((r) => r.seconds),
            rowsPerSecond: ROWS / middle.seconds,
            found: middle.found,
            breakdown: middle.breakdown,
            ...(middle.calls ? { calls: middle.calls } : {}),
          })
        }
      }
    }

    const find = (direction: Direction, scenario: Scenario['name'], method: Method) =>
      results.find((r) => r.direction === direction && r.scenario === scenario && r.method === method)
    const targets: { target: string; measured: string; met: boolean }[] = []
    for (const direction of DIRECTIONS) {
      const identical = find(direction, 'identical', 'lockstep')
      const one = find(direction, '1 diff', 'lockstep')
      const need = direction === 'sqlite' ? TARGETS.sqliteRowsPerSecond : TARGETS.postgresRowsPerSecond
      if (identical)
        targets.push({
          target: `${DIRECTION_LABEL[direction]}, identical: ≥ ${need.toLocaleString('en')} rows/s`,
          measured: `${Math.round(identical.rowsPerSecond).toLocaleString('en')} rows/s`,
          met: identical.rowsPerSecond >= need,
        })
      if (identical && one) {
        const ratio = one.seconds / identical.seconds
        targets.push({
          target: `${DIRECTION_LABEL[direction]}, 1 diff ≤ ${TARGETS.oneDiffRatio}× identical`,
          measured: `${ratio.toFixed(2)}× (${one.seconds.toFixed(2)} s / ${identical.seconds.toFixed(2)} s)`,
          met: ratio <= TARGETS.oneDiffRatio,
        })
      }
    }
    for (const direction of DIRECTIONS) {
      for (const s of scenarios) {
        const ours = find(direction, s.name, 'lockstep')
        const theirs = find(direction, s.name, 'naive')
        if (!ours || !theirs) continue
        const speedup = theirs.seconds / ours.seconds
        targets.push({
          target: `${DIRECTION_LABEL[direction]}, ${s.name}: ≥ ${TARGETS.naiveSpeedup}× faster than naive`,
          measured: `${speedup.toFixed(2)}× (${theirs.seconds.toFixed(2)} s / ${ours.seconds.toFixed(2)} s)`,
          met: speedup >= TARGETS.naiveSpeedup,
        })
      }
    }
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)

    if (JSON_OUTPUT) {
      console.log(
        JSON.stringify(
          {
            rows: ROWS,
            repeat: REPEAT,
            differences: {
              '1 diff': { changed: [oneId] },
              '1,000 diffs': { changed: changed.length, missing: missing.length, extra: extra.length },
            },
            results,
            targets,
            peakRssMb,
            rssBeforeNaiveMb,
          },
          null,
          2,
        ),
      )
      return
    }
    const where = (r: Result) => {
      const s = (n: number | undefined) => `${(n ?? 0).toFixed(2)} s`
      if (r.method === 'naive')
        return `fetch ${s(r.breakdown['fetch both'])} (source alone ${s(r.breakdown['fetch source'])}), compare ${s(r.breakdown.compare)}`
      const part = (key: string) => `${s(r.breakdown[key])} in ${r.calls?.[key] ?? 0}`
      const side = (name: string) =>
        `${s(sum(r.breakdown, `${name}.`))} (digests ${part(`${name}.digests`)}, rows ${part(`${name}.rows`)})`
      return `${r.direction === 'sqlite' ? 'SQLite' : 'PG source'} ${side('source')}; PG target ${side('target')}`
    }
    console.log(
      `\n${ROWS.toLocaleString('en')} rows × 6 columns (id, varchar, real, boolean, datetime as ISO text, text); medians of ${REPEAT} interleaved runs`,
    )
    console.log(
      `1,000 diffs: ${changed.length} updated and ${missing.length} deleted at random ids over the table, ${extra.length} extra just past its last key`,
    )
    console.table(
      results.map((r) => ({
        direction: DIRECTION_LABEL[r.direction],
        scenario: r.scenario,
        method: METHOD_LABEL[r.method],
        seconds: r.seconds.toFixed(2),
        runs: r.runs.map((x) => x.toFixed(2)).join(', '),
        'rows/s': Math.round(r.rowsPerSecond).toLocaleString('en'),
        found: shown(r.found),
        'where the time goes (median run)': where(r),
      })),
    )
    for (const t of targets) console.log(`${t.met ? '✓' : '✗'} ${t.target}: ${t.measured}`)
    console.log(
      `Peak RSS of this process: ${peakRssMb} MB (${rssBeforeNaiveMb} MB before the first naive comparison: data set-up and Lockstep's validations only)`,
    )
  } finally {
    await server.stop()
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`Benchmark failed: ${error.message}`)
    process.exit(1)
  },
)
