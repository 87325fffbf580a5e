// Benchmark: keeping a database in sync, for a SQLite source and a PostgreSQL source, in one run on an embedded
// PostgreSQL (wal_level = logical) – the same code paths as `lockstep sync` and `lockstep cutover`:
//   (a) changes applied per second while writer processes (scripts/sync-writer.ts) insert, update and delete
//       rows of `items_1`… at a fixed rate, each change its own transaction – in the steady phase, and while
//       catching up with a backlog (the writers run BACKLOG seconds before the follow starts: its capacity);
//   (b) the lag during a steady phase, read from the feed every 200 ms (the figure `lockstep sync` prints), and
//       each batch's newest change's age when it committed on the target – p50, p95, max;
//   (c) `lockstep cutover --prepare` while the writers go on (every row validated once, recorded on the target),
//       then the cutover's downtime: from the moment the writers stopped (their processes exited) to ready – the
//       follow stopped, the last changes drained, the sequences set, the rows changed since the prepared
//       validation and every table's row count compared, the capture or slot removed.
// Targets: lag p95 < 2 s at 2,000 changes/s; cutover downtime < 5 s on a 1,000,000-row database.
//   npm run bench:sync [-- --full] [-- --only sqlite|postgres --rows N --rate N --writers N --backlog S --seconds S --json]
//   --writers N shares the rate among N writer processes (default 2).
// Quick by default (100,000 rows, a 10 s steady phase); --full is the real one (1,000,000 rows, 30 s).
import { rm, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres'
import { ensureThreadScripts } from '@/lib/runtime/build-threads'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { allMatch, finalValidation, prepareCutover } from '../cutover-command'
import { initialCopy } from '../sync-initial-copy'
import { syncedTables, syncScope } from '../sync-scope'
import { arg } from './args'
import { query } from './copy-support'
import { makeSqliteSource, percentile, postgresSource, startFollowing, tableNames } from './sync-support'

const FULL = process.argv.includes('--full')
const ROWS = arg('rows', FULL ? 1_000_000 : 100_000)
const RATE = arg('rate', 2_000)
const BACKLOG = arg('backlog', FULL ? 10 : 5)
const SECONDS = arg('seconds', FULL ? 30 : 10)
// One writer process holds about 1,200 changes/s against PostgreSQL (a round trip each): the rate is shared out,
// each writer on a table of its own.
const WRITERS = arg('writers', 2)
const SAMPLE_MS = 200
const JSON_OUTPUT = process.argv.includes('--json')
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const DIR = join(tmpdir(), 'lockstep-bench-sync')
const say = (message: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${message}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const s = (v: number) => `${v.toFixed(2)} s`

type Figures = Record<string, number | string | boolean>

async function measure(
  kind: 'sqlite' | 'postgres',
  from: string,
  to: string,
  maxId: (table: string) => Promise<number>,
) {
  const scope = await syncScope(['--from', from, '--to', to])
  const copyStart = performance.now()
  const summary = await initialCopy(scope, {
    mode: 'create',
    yes: false,
    captureConfirmed: true,
    signal: new AbortController().signal,
    log: () => undefined,
  })
  if (summary.status !== 'SUCCEEDED') throw new Error(`The initial copy ended ${summary.status}: ${summary.error}`)
  const copySeconds = (performance.now() - copyStart) / 1000
  say(`${kind}: initial copy of ${ROWS.toLocaleString('en')} rows in ${s(copySeconds)}`)

  const writers = tableNames(WRITERS).map((table) =>
    startWriter([
      kind === 'sqlite' ? '--sqlite' : '--postgres',
      from,
      ...['--table', table, '--column', 'note', '--rate', String(Math.ceil(RATE / WRITERS))],
      // Each change is its own transaction: on PostgreSQL, commits that wait for the disk cap a writer process at
      // a few hundred a second on this machine's disk, so the writers commit as a throughput-tuned application does.
      ...(kind === 'postgres' ? ['--async-commit'] : []),
    ]),
  )
  await Promise.all(
    writers.map((w, i) => w.started(async () => (await maxId(`items_${i + 1}`)) > Math.ceil(ROWS / WRITERS), 60_000)),
  )
  const writing = performance.now()
  await sleep(BACKLOG * 1000)
  const catchUpStart = performance.now()
  const following = await startFollowing(scope, SAMPLE_MS)
  // Caught up: a batch committed within half a second of its newest change being made.
  while ((following.lastCommitDelay() ?? Infinity) > 0.5 && performance.now() - catchUpStart < 120_000) await sleep(20)
  const catchUpSeconds = (performance.now() - catchUpStart) / 1000
  const catchUpPerSecond = following.applied() / catchUpSeconds
  say(
    `${kind}: caught up with ${following.applied().toLocaleString('en')} changes (${BACKLOG} s of writes and those made meanwhile) in ${s(catchUpSeconds)}: ${catchUpPerSecond.toFixed(0)} changes/s`,
  )
  following.mark()
  const before = following.applied()
  const steadyStart = performance.now()
  await sleep(SECONDS * 1000)
  const appliedPerSecond = (following.applied() - before) / ((performance.now() - steadyStart) / 1000)
  const { lag, commitDelay } = following.samples()

  // `lockstep cutover --prepare` while the writers go on: every row validated once, recorded on the target.
  const { openTargetConnection } = await import('@/lib/targets/sql/session')
  const prepareStart = performance.now()
  const prepareClient = await openTargetConnection(scope.target, 'lockstep bench (prepare)')
  const prepared = await prepareCutover(scope, prepareClient).finally(() => prepareClient.end())
  const prepareSeconds = (performance.now() - prepareStart) / 1000
  const inFlight = prepared.report.tables.reduce((n, t) => n + t.missing + t.extra + t.changed, 0)
  say(
    `${kind}: prepared the cutover while writing (every row validated, ${inFlight} differing in flight) in ${s(prepareSeconds)}; ${prepared.recorded ? 'recorded' : 'NOT recorded'}`,
  )
  if (!prepared.recorded)
    say(
      `${kind}: not recorded: ${prepared.report.status} ${JSON.stringify(prepared.report.tables.map((t) => [t.table, t.state, t.method, t.missing, t.extra, t.changed, t.suspended, t.notes]))}`,
    )
  await sleep(2_000)
  const written = await Promise.all(writers.map((w) => w.stop()))
  const stopped = performance.now()
  const changes = written.reduce((n, w) => n + w.inserts + w.updates + w.deletes, 0)
  const writtenPerSecond = changes / ((stopped - writing) / 1000)
  say(
    `${kind}: writer ${writtenPerSecond.toFixed(0)} changes/s (asked ${RATE}); applied ${appliedPerSecond.toFixed(0)} changes/s over ${SECONDS} s; lag p50 ${s(percentile(lag, 50))}, p95 ${s(percentile(lag, 95))}, max ${s(Math.max(...lag))} (${lag.length} readings); batch commit delay p50 ${s(percentile(commitDelay, 50))}, p95 ${s(percentile(commitDelay, 95))}, max ${s(Math.max(...commitDelay))}`,
  )

  // The cutover, as `lockstep cutover` runs it, timed step by step from the writer's exit.
  const ends = await import('@/lib/engine/sync/ends')
  await following.stop()
  const client = await openTargetConnection(scope.target, 'lockstep bench (cutover)')
  const steps: Record<string, number> = {}
  let last = stopped
  const step = (name: string) => {
    steps[name] = (performance.now() - last) / 1000
    last = performance.now()
  }
  step('follow stopped')
  const feed = await ends.openFeed(scope.source, { syncId: scope.syncId, mapping: scope.mapping, tables: [] })
  const drained = await ends.drain(scope.source, feed, { syncId: scope.syncId, client }).finally(() => feed.close())
  step('drain')
  await ends.setSequences(scope.source, client, await syncedTables(scope))
  step('sequences')
  const { report, changedRows } = await finalValidation(scope, client)
  step('validation')
  if (!allMatch(report)) throw new Error(`${kind}: the validation found differences after the drain`)
  await ends.endSync(scope.source, scope.syncId, client)
  step('end')
  await client.end()
  const downtime = (performance.now() - stopped) / 1000
  say(
    `${kind}: cutover downtime ${s(downtime)} (${Object.entries(steps)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(
        ', ',
      )}; ${drained.applied} changes drained; validation ${report.status} of ${changedRows === null ? 'every row' : `${changedRows} changed rows and the counts`})`,
  )
  return {
    source: kind,
    rows: ROWS,
    initialCopySeconds: copySeconds,
    writtenPerSecond,
    appliedPerSecond,
    catchUpPerSecond,
    lagP50: percentile(lag, 50),
    lagP95: percentile(lag, 95),
    lagMax: Math.max(...lag),
    commitDelayP95: percentile(commitDelay, 95),
    prepareSeconds,
    downtimeSeconds: downtime,
    validation: report.status,
  } satisfies Figures
}

async function main() {
  await rm(DIR, { recursive: true, force: true })
  await mkdir(DIR, { recursive: true })
  await ensureThreadScripts(say)
  say(
    `sync benchmark: ${ROWS.toLocaleString('en')} rows, ${RATE} changes/s from ${WRITERS} writer processes (PostgreSQL's with synchronous_commit = off), ${BACKLOG} s backlog, ${SECONDS} s steady`,
  )
  const server = await startEmbeddedPostgres({ dataDir: join(DIR, 'pg'), password: 'bench' })
  const url = async (name: string) => {
    await server.createDatabase(name)
    return `${server.url(name)}?sslmode=disable`
  }
  const results = []
  try {
    if (ONLY !== 'postgres') {
      const file = join(DIR, 'items.db')
      makeSqliteSource(file, ROWS, WRITERS)
      const maxSqlite = async (table: string) => {
        const { default: Database } = await import('better-sqlite3')
        const db = new Database(file, { readonly: true })
        try {
          return (db.prepare(`SELECT max(id) AS n FROM ${table}`).get() as { n: number }).n
        } finally {
          db.close()
        }
      }
      results.push(await measure('sqlite', file, await url('sync_from_sqlite'), maxSqlite))
    }
    if (ONLY !== 'sqlite') {
      const source = await url('sync_source')
      await query(source, postgresSource(ROWS, WRITERS))
      const maxPg = async (table: string) =>
        Number((await query(source, `SELECT max(id)::text AS n FROM ${table}`)).rows[0]?.n)
      results.push(await measure('postgres', source, await url('sync_from_postgres'), maxPg))
    }
  } finally {
    stopWriters()
    await server.stop()
  }
  if (JSON_OUTPUT) console.log(JSON.stringify(results, null, 2))
  say(
    `\nsource    written/s  applied/s  catch-up/s  lag p50  lag p95  lag max  commit p95  downtime   (targets: lag p95 < 2 s at 2,000 changes/s; downtime < 5 s at 1,000,000 rows)`,
  )
  for (const r of results)
    say(
      `${r.source.padEnd(8)} ${r.writtenPerSecond.toFixed(0).padStart(10)} ${r.appliedPerSecond.toFixed(0).padStart(10)} ${r.catchUpPerSecond.toFixed(0).padStart(11)} ${s(r.lagP50).padStart(8)} ${s(r.lagP95).padStart(8)} ${s(r.lagMax).padStart(8)} ${s(r.commitDelayP95).padStart(11)} ${s(r.downtimeSeconds).padStart(9)}   lag ${r.lagP95 < 2 && r.commitDelayP95 < 2 ? 'met' : 'NOT met'}${r.writtenPerSecond < RATE * 0.95 ? ` (at ${r.writtenPerSecond.toFixed(0)} changes/s written, not ${RATE})` : ''}, downtime ${r.downtimeSeconds < 5 ? 'met' : 'NOT met'}${r.rows < 1_000_000 ? ` (at ${r.rows.toLocaleString('en')} rows: --full for the target's size)` : ''}`,
    )
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`Benchmark failed: ${error.message}`)
    stopWriters()
    process.exit(1)
  },
)
