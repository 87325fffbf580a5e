// Benchmark: the plan, run and report pages under 50 concurrent connections while a copy runs, and what that
// load costs the copy. Starts its own Lockstep (npm start's launcher: production build, fresh embedded
// database, the web server and the worker), seeds a plan of realistic size through the data layer – phases
// with checklist items and SQL steps, risks, success criteria, finished runs – and a phase whose copy step
// moves a generated SQLite table (copy.ts's `items`) into a PostgreSQL database of its own on the same
// server. Then the phase is run REPEAT times each way, interleaved, every time into a freshly created target
// database so all copies do the same work:
//   - idle: nothing else asks anything of the app;
//   - loaded: from the moment the run is queued until it ends, CONNECTIONS users request the plan page, the
//     copy's own run page and the plan's status report. A user reads each page before opening the next, for
//     THINK ms on average (uniformly between half and one and a half times it), as people do; with
//     `--think 0` each is a closed-loop connection instead (autocannon: it asks again the moment it has its
//     answer), a stress test far beyond 50 people, reported as such.
// Page times are measured over loopback, so they are the server's time including any wait for a free web
// process. Copy throughput is the rows written over the copy step's own time (start to end of the step,
// keys and indexes included), as the worker recorded it; medians are compared (this machine's timings vary
// by ±15 % from one run to the next). The web server, the worker, PostgreSQL and this process (the load
// generator) share the machine's cores. Each group's CPU time over the copies is counted too (/proc), so the
// figures say how many cores the copy and the pages each ask for, and whether the machine has them.
// The copy's target is a PostgreSQL server of its own, as it would be anywhere but here.
// With `--split-cores`, the machine is split as a deployment that gives the worker cores of its own would be:
// the web server, Lockstep's PostgreSQL and the load generator on the first half of the cores, the worker and
// the target's PostgreSQL on the rest (idle and loaded copies alike).
// Before any copy, each page is requested CPU_REQUESTS times one at a time, the pages in turn for CPU_ROUNDS
// rounds, and the web server's CPU time per request is counted (page-cpu.ts): what a page costs, apart from
// how busy the machine is. `--pages-only` stops there (no SQLite table, no copies), the quick way to see what
// a change to a page costs.
//   npm run bench:load [-- --rows 1000000 --connections 50 --think 5000 --jobs 2 --repeat 3 --split-cores]
//   npm run bench:load -- --pages-only [--cpu-requests 30 --cpu-rounds 3]
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { get } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { exportEnv } from '@/lib/env'
import { pgDataDir } from '@/lib/runtime/database'
import { startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres'
import type { CopyDetail } from '@/lib/domain/step-details'
import type { UserActor } from '@/lib/server/actor'
import { loadLocalState, loadOrCreateSecretKey } from '@/lib/runtime/local-state'
import { BENCH_EMAIL, percentiles, startBenchApp } from './app'
import { arg } from './args'
import { type Choose, commandTree, cpuSeconds, single, splitCores } from './cores'
import { makeSqlite } from './copy'
import { measurePageCpu, type PageCpu } from './page-cpu'

const ROWS = arg('rows', 1_000_000)
const CONNECTIONS = arg('connections', 50)
const THINK = arg('think', 5_000, 0)
const JOBS = arg('jobs', 2)
const REPEAT = arg('repeat', 3)
const PORT = arg('port', 3302)
const SPLIT_CORES = process.argv.includes('--split-cores')
const PAGES_ONLY = process.argv.includes('--pages-only')
const CPU_REQUESTS = arg('cpu-requests', 30)
const CPU_ROUNDS = arg('cpu-rounds', 3)
const CORES = availableParallelism() // before any split: this process is then held to a part of them
const NAME = `lockstep-bench-load-${PORT}` // two benchmarks on different ports keep their data apart
const PHASES = [
  'Preparation',
  'Schema upgrade',
  'Reference data',
  'Copy the data',
  'Verify',
  'Cutover',
  'Watch after the switch',
  'Clean-up',
  'Decommission the SQLite file',
  'Retrospective',
]
const COPY_PHASE = 3
const ITEMS = 20
const RISKS = 40
const CRITERIA = 10
const RUNS = 60
const P95_TARGET_MS = 300
const THROUGHPUT_TARGET = 0.9
const PAGE_CPU_TARGET_MS = 22
const TARGET_ROLE = 'lockstep_bench_target'
const TARGET_DATABASE = 'lockstep_bench_target'
const SQLITE_FILE = 'items.db'

type Seeded = {
  planId: string
  copyPhaseId: string
  environmentId: string
  finishedRunId: string
  actor: UserActor
  targetUrl: string
}
type CopyResult = {
  runId: string
  rows: number
  seconds: number
  engineSeconds: number
  indexSeconds: number
  rowsPerSecond: number
}
type PageLoad = { connections: number; times: number[]; non2xx: number; errors: number }

const DONE = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'WAITING']
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ms = (n: number) => n.toFixed(0)

async function main() {
  const started = performance.now()
  const app = await startBenchApp(PORT, NAME)
  const dataDir = join(tmpdir(), NAME)
  const admin = new pg.Client({ connectionString: app.databaseUrl })
  const targetDir = join(dataDir, 'target-pgdata')
  await rm(targetDir, { recursive: true, force: true })
  const targetServer = await startEmbeddedPostgres({
    dataDir: targetDir,
    password: randomBytes(18).toString('base64url'),
  }).catch(async (error: unknown) => {
    await app.stop()
    throw error
  })
  const targetAdmin = new pg.Client({ connectionString: targetServer.url('postgres') })
  let dataLayer = false
  try {
    await admin.connect()
    await targetAdmin.connect()
    if (!PAGES_ONLY) {
      console.log(`Generating ${ROWS.toLocaleString('en')} rows in SQLite…`)
      makeSqlite(join(dataDir, 'sqlite', SQLITE_FILE), ROWS)
    }
    // The data layer runs in this process, configured as the launcher configures the app's own processes.
    exportEnv({
      DATABASE_URL: app.databaseUrl,
      AUTH_SECRET: (await loadLocalState(dataDir)).authSecret,
      LOCKSTEP_SECRET_KEY: await loadOrCreateSecretKey(dataDir),
      LOCKSTEP_SQLITE_DIR: join(dataDir, 'sqlite'),
    })
    dataLayer = true
    const targetUrl = await createTargetRole(targetAdmin, targetServer.url(TARGET_DATABASE))
    const seeded = await seed(admin, targetAdmin, targetUrl)
    // This benchmark's own app (what its launcher started), not another Lockstep on the machine.
    const web = commandTree('the web server', 'scripts/web.ts', app.pid)
    const database = commandTree("Lockstep's PostgreSQL", `-D ${pgDataDir(dataDir)} `)
    const front = [web, database, single('the load generator', process.pid)]
    const back = [
      commandTree('the worker', 'scripts/worker.ts', app.pid),
      commandTree("the target's PostgreSQL", `-D ${targetDir} `),
    ]
    const groups = [...front, ...back]
    const cores = SPLIT_CORES ? splitCores(front, back) : undefined
    const cookie = await app.cookie()
    const pages = (runId: string) => [
      { label: 'plan page', path: `/plans/${seeded.planId}` },
      { label: 'run page (the copy, live)', path: `/runs/${runId}` },
      { label: 'status report', path: `/plans/${seeded.planId}/report` },
    ]
    // The copy's live run page does not exist yet: a finished run of the plan stands in for it here.
    const alone: number[] = []
    for (const page of pages(seeded.finishedRunId)) await warmUp(`${app.base}${page.path}`, cookie)
    for (const page of pages(seeded.finishedRunId)) alone.push(await timeAlone(`${app.base}${page.path}`, cookie))
    const cpuOf = (navigation: boolean) =>
      measurePageCpu(
        app.base,
        cookie,
        pages(seeded.finishedRunId),
        { web, database },
        { requests: CPU_REQUESTS, warmUp: 5, rounds: CPU_ROUNDS, navigation },
      )
    const pageCpu = await cpuOf(false)
    const navigationCpu = await cpuOf(true)
    if (PAGES_ONLY) {
      printPageCpu(pageCpu, navigationCpu)
      return
    }

    const idle: CopyResult[] = []
    const busy: CopyResult[] = []
    const loads: Load[] = []
    // CPU seconds per group of processes over each kind of copy, from its queueing to its end.
    const idleCpu = { seconds: 0, cpu: new Map<string, number>() }
    const busyCpu = { seconds: 0, cpu: new Map<string, number>() }
    for (let round = 1; round <= REPEAT; round++) {
      // Idle first in odd rounds and last in even ones, so a drift of the machine over time favours neither.
      for (const loaded of round % 2 ? [false, true] : [true, false]) {
        console.log(
          `Round ${round} of ${REPEAT}: copy ${loaded ? `with ${CONNECTIONS} connections on the plan, run and report pages` : 'idle'}…`,
        )
        const { result, load, cpu } = await copy(
          admin,
          targetAdmin,
          seeded,
          groups,
          loaded ? (runId) => (THINK > 0 ? startUsers : startLoad)(app.base, cookie, pages(runId)) : undefined,
        )
        const usage = loaded ? busyCpu : idleCpu
        usage.seconds += cpu.seconds
        for (const [label, used] of cpu.used) usage.cpu.set(label, (usage.cpu.get(label) ?? 0) + used)
        ;(loaded ? busy : idle).push(result)
        if (load) loads.push(load)
      }
    }
    const seconds = loads.reduce((n, l) => n + l.seconds, 0)
    const load = pages('').map((page, i) => {
      const all = loads.map((l) => l.pages[i]).filter((p) => p !== undefined)
      const times = all.flatMap((p) => p.times)
      const sum = (key: 'non2xx' | 'errors') => all.reduce((n, p) => n + p[key], 0)
      return {
        label: page.label,
        connections: all[0]?.connections ?? 0,
        count: times.length,
        non2xx: sum('non2xx'),
        errors: sum('errors'),
        max: times.length ? Math.max(...times) : NaN,
        ...percentiles(times),
      }
    })

    console.log(
      `\n1 plan: ${PHASES.length} phases × ${ITEMS} checklist items, ${RISKS} risks, ${CRITERIA} success criteria, ${RUNS} finished runs`,
    )
    console.log(
      `Copy: ${ROWS.toLocaleString('en')} rows × 6 columns, SQLite → PostgreSQL (a server of its own), ${JOBS} jobs, primary key + 1 index; ${REPEAT} idle and ${REPEAT} loaded, interleaved`,
    )
    const model =
      THINK > 0
        ? `${CONNECTIONS} users, each reading a page ${THINK / 2_000}–${(THINK * 1.5) / 1_000} s before the next`
        : `${CONNECTIONS} connections, closed loop (no time between answer and next request)`
    const machine = cores
      ? `${CORES} cores split: web, Lockstep's PostgreSQL and the load generator on ${cores[0]}; the worker and the target's PostgreSQL on ${cores[1]}`
      : `${CORES} cores shared by web, worker, both PostgreSQL servers and the load generator`
    console.log(
      `Load: ${model}, from each loaded run's queueing to the last answer after it ended (${seconds.toFixed(1)} s in all); ${machine}`,
    )
    console.log('"alone": one request at a time with nothing else running (the run page: a finished run)\n')
    console.table(
      load.map((p, i) => ({
        page: p.label,
        'alone p50 ms': ms(alone[i] ?? NaN),
        [THINK > 0 ? 'users' : 'connections']: p.connections,
        requests: p.count,
        'req/s': (p.count / seconds).toFixed(1),
        'p50 ms': ms(p.p50),
        'p95 ms': ms(p.p95),
        'p99 ms': ms(p.p99),
        'max ms': ms(p.max),
        'non-2xx': p.non2xx,
        errors: p.errors,
      })),
    )
    const median = (list: CopyResult[]) => {
      const sorted = list.map((c) => c.rowsPerSecond).sort((a, b) => a - b)
      const middle = Math.floor(sorted.length / 2)
      return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
    }
    const [idleRate, busyRate] = [median(idle), median(busy)]
    const perSecond = (n: number) => Math.round(n).toLocaleString('en')
    const row = (copy: string, c: CopyResult) => ({
      copy,
      rows: c.rows,
      'step s': c.seconds.toFixed(1),
      'engine s': c.engineSeconds.toFixed(1),
      'keys/indexes s': c.indexSeconds.toFixed(1),
      'rows/s': perSecond(c.rowsPerSecond),
    })
    console.table([
      ...idle.flatMap((c, i) => [
        row(`round ${i + 1}, idle`, c),
        ...(busy[i] ? [row(`round ${i + 1}, under load`, busy[i])] : []),
      ]),
      { copy: 'median, idle', 'rows/s': perSecond(idleRate) },
      { copy: 'median, under load', 'rows/s': perSecond(busyRate) },
    ])
    for (const p of load) {
      const failures =
        p.non2xx + p.errors ? `; ${p.non2xx} non-2xx answers and ${p.errors} errors count as misses too` : ''
      if (p.count === 0)
        console.log(
          `${p.label}: no request finished while the copy ran – the ${P95_TARGET_MS} ms target is NOT MET${failures}`,
        )
      else
        console.log(
          `${p.label} p95 ${ms(p.p95)} ms – ${p.p95 < P95_TARGET_MS ? 'within' : 'ABOVE'} the ${P95_TARGET_MS} ms target${failures}`,
        )
    }
    // Where the cores went: each group's CPU time over the copies' wall time, in cores. The pages' own cost is
    // what the web server and Lockstep's PostgreSQL used under load beyond what they use beside an idle copy.
    const coresUsed = (usage: typeof idleCpu, label: string) => (usage.cpu.get(label) ?? 0) / usage.seconds
    const labels = groups.map((g) => g.label)
    const share = (usage: typeof idleCpu) =>
      Object.fromEntries([
        ...labels.map((l) => [l, coresUsed(usage, l).toFixed(2)]),
        ['in all', labels.reduce((n, l) => n + coresUsed(usage, l), 0).toFixed(2)],
      ])
    console.log(`\nCores in use on average (CPU seconds over wall seconds; the machine has ${CORES}):`)
    console.table([
      { copy: 'idle', ...share(idleCpu) },
      { copy: 'under load', ...share(busyCpu) },
    ])
    const pageTier = labels.slice(0, 2)
    const requests = load.reduce((n, p) => n + p.count, 0)
    const loadCpu = pageTier.reduce(
      (n, l) => n + (busyCpu.cpu.get(l) ?? 0) - coresUsed(idleCpu, l) * busyCpu.seconds,
      0,
    )
    const copyIdle = back.reduce((n, g) => n + coresUsed(idleCpu, g.label), 0)
    console.log(
      `the pages cost ${ms((loadCpu / requests) * 1000)} ms of CPU each (web server and Lockstep's PostgreSQL, ${requests} requests), ${(loadCpu / busyCpu.seconds).toFixed(2)} cores at this load`,
    )
    console.log(
      `the idle copy used ${copyIdle.toFixed(2)} cores (worker and target's PostgreSQL); ${Math.round((1 - THROUGHPUT_TARGET) * 100)} % of its throughput is worth about ${(copyIdle * (1 - THROUGHPUT_TARGET)).toFixed(2)} cores`,
    )
    const generator = coresUsed(busyCpu, 'the load generator')
    if (cores) {
      const frontCores = Math.floor(CORES / 2)
      const busyFront = front.reduce((n, g) => n + coresUsed(busyCpu, g.label), 0)
      console.log(
        `the web server's side (${frontCores} core${frontCores === 1 ? '' : 's'}) was ${Math.round((busyFront / frontCores) * 100)} % busy under load; the worker's side was ${Math.round((back.reduce((n, g) => n + coresUsed(busyCpu, g.label), 0) / (CORES - frontCores)) * 100)} % busy`,
      )
    } else {
      const demand = copyIdle + loadCpu / busyCpu.seconds + generator
      console.log(
        `the copy at full speed and the pages together ask for ${demand.toFixed(2)} cores (the load generator's ${generator.toFixed(2)} included) of the machine's ${CORES}`,
      )
    }
    printPageCpu(pageCpu, navigationCpu)
    const ratio = busyRate / idleRate
    console.log(`copy throughput idle: ${perSecond(idleRate)} rows/s (median of ${idle.length})`)
    console.log(
      `copy throughput under load: ${perSecond(busyRate)} rows/s = ${(ratio * 100).toFixed(0)} % of idle (target: within 10 %) – ${ratio >= THROUGHPUT_TARGET ? 'within the target' : 'BELOW the target'}`,
    )
    console.log(`(benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s)`)
  } finally {
    await admin.end().catch(() => undefined)
    await targetAdmin.end().catch(() => undefined)
    await targetServer.stop()
    await rm(targetDir, { recursive: true, force: true })
    if (dataLayer) await (await import('@/lib/db')).db.$disconnect()
    await app.stop()
    await rm(join(dataDir, 'sqlite', SQLITE_FILE), { force: true })
  }
}

/** The web server's CPU per request for each page, asked one at a time before the copies, against its target. */
function printPageCpu(pages: PageCpu[], navigations: PageCpu[]) {
  console.log(
    `\nThe web server's and Lockstep's PostgreSQL's CPU time per request, each page asked ${CPU_REQUESTS} times one at a time in each of ${CPU_ROUNDS} rounds (the run page: a finished run; the database's figure includes the idle worker's polling):`,
  )
  const table = (list: PageCpu[]) =>
    console.table(
      list.map((p) => ({
        page: p.label,
        'CPU ms/request': p.cpuMs.toFixed(1),
        rounds: p.rounds.map((r) => r.toFixed(1)).join(' '),
        'database CPU ms/request': p.databaseMs.toFixed(1),
        KB: p.kb.toFixed(0),
        encoding: p.encoding,
      })),
    )
  const average = (list: PageCpu[]) => list.reduce((n, p) => n + p.cpuMs, 0) / list.length
  table(pages)
  console.log(
    `the pages cost the web server ${average(pages).toFixed(1)} ms of CPU per request on average (target: at most ${PAGE_CPU_TARGET_MS} ms) – ${average(pages) <= PAGE_CPU_TARGET_MS ? 'within the target' : 'ABOVE the target'}`,
  )
  console.log(
    '\nThe same pages opened by following a link inside the app (the router asks for the page without its HTML; without its state tree the shared layout is rendered again too, so these are upper bounds):',
  )
  table(navigations)
  console.log(
    `as navigations the pages cost the web server ${average(navigations).toFixed(1)} ms of CPU per request on average`,
  )
}

/** The copy's target: a role of its own (never Lockstep's credentials), as a person would set one up. */
async function createTargetRole(admin: pg.Client, databaseUrl: string): Promise<string> {
  const password = randomBytes(18).toString('base64url')
  await admin.query(`CREATE ROLE ${TARGET_ROLE} LOGIN PASSWORD ${admin.escapeLiteral(password)}`)
  const url = new URL(databaseUrl)
  url.username = TARGET_ROLE
  url.password = password
  url.pathname = `/${TARGET_DATABASE}`
  url.search = '?sslmode=disable'
  return url.toString()
}

/** An empty target database under the same name (the copy's own state lives in it, so the next copy starts over). */
async function freshTarget(admin: pg.Client) {
  await admin.query(`DROP DATABASE IF EXISTS ${TARGET_DATABASE} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${TARGET_DATABASE} OWNER ${TARGET_ROLE}`)
  // Neither copy pays for the dirty pages the previous one left behind.
  await admin.query('CHECKPOINT')
}

/** The plan through the data layer, as people build one (audited); only the run history is inserted directly. */
async function seed(admin: pg.Client, targetAdmin: pg.Client, targetUrl: string): Promise<Seeded> {
  const started = Date.now()
  const { parsePlanDocument } = await import('@/lib/plan-document/parse')
  const { importPlanDocument } = await import('@/lib/server/plans/documents')
  const { updatePlan } = await import('@/lib/server/plans/plan-commands')
  const { completePhase, updatePhase } = await import('@/lib/server/plans/phase-commands')
  const { addCopyStep, addSqlStep } = await import('@/lib/server/plans/step-commands')
  const { createConnection, createEnvironment } = await import('@/lib/server/connections/commands')
  const { setPlanEnvironment } = await import('@/lib/server/plans/environment-commands')
  const { ZAddCopyStep, ZAddSqlStep, ZUpdatePhase, ZUpdatePlan } = await import('@/lib/server/plans/schemas')
  const { ZConnection } = await import('@/lib/server/connections/schemas')
  const { PLAN_ROLLUP_SQL } = await import('@/lib/server/plans/rollup')

  const user = (
    await admin.query<{ id: string; name: string; role: UserActor['role'] }>(
      `SELECT "id", "name", "role" FROM "User" WHERE "email" = $1`,
      [BENCH_EMAIL],
    )
  ).rows[0]
  if (!user) throw new Error('The benchmark admin was not seeded.')
  const actor: UserActor = {
    kind: 'user',
    id: user.id,
    email: BENCH_EMAIL,
    name: user.name,
    role: user.role,
    origin: 'bench',
  }
  const title = 'Bench: items from SQLite to PostgreSQL'
  const summary =
    'Move the items application from its SQLite file to PostgreSQL, with the schema changes it needs on the way.'
  const document = [
    `# ${title}`,
    '## Overview',
    summary,
    '## Migration Phases',
    ...PHASES.flatMap((name, p) => [
      `### Phase ${p + 1}: ${name}`,
      ...Array.from(
        { length: ITEMS },
        (_, i) =>
          `- [${p < 3 || (p < 5 && i < ITEMS / 2) ? 'x' : ' '}] ${name}: task ${i + 1} of ${ITEMS}, with its owner and the evidence`,
      ),
    ]),
    '## Risk Assessment',
    ...Array.from(
      { length: RISKS },
      (_, i) =>
        `- **Risk ${i + 1}: ${['lock contention', 'slow backfill', 'rejected rows', 'replication lag', 'disk space'][i % 5]}** – Impact: ${['Low', 'Medium', 'High', 'Critical'][i % 4]}, Likelihood: ${['Low', 'Medium', 'High'][i % 3]}. Mitigation: rehearse it on staging and watch the monitor.`,
    ),
    '## Success Criteria',
    ...Array.from(
      { length: CRITERIA },
      (_, i) => `- Criterion ${i + 1}: row counts and checksums match for table group ${i + 1}`,
    ),
  ].join('\n\n')
  const { id: planId } = await importPlanDocument(actor, parsePlanDocument(document))
  await updatePlan(actor, ZUpdatePlan.parse({ planId, title, summary, status: 'ACTIVE', startDate: day(-60) }))
  const phases = (
    await admin.query<{ id: string; name: string; goal: string; plannedLabel: string | null }>(
      `SELECT "id", "name", "goal", "plannedLabel" FROM "Phase" WHERE "planId" = $1 ORDER BY "position"`,
      [planId],
    )
  ).rows
  const copyPhase = phases[COPY_PHASE]
  if (phases.length !== PHASES.length || !copyPhase)
    throw new Error(`The plan document gave ${phases.length} phases, not ${PHASES.length}.`)
  for (const [p, phase] of phases.entries()) {
    await updatePhase(
      actor,
      ZUpdatePhase.parse({
        phaseId: phase.id,
        name: phase.name,
        goal: phase.goal,
        plannedStart: day(-60 + p * 10),
        plannedEnd: day(-55 + p * 10),
        plannedLabel: phase.plannedLabel ?? '',
      }),
    )
    if (p < 3) await completePhase(actor, { phaseId: phase.id })
    if (p === COPY_PHASE) continue
    for (const k of [1, 2]) {
      const column = `c${p}_${k}`
      await addSqlStep(
        actor,
        ZAddSqlStep.parse({
          phaseId: phase.id,
          name: `V${p + 1}.${k} – add and fill ${column}`,
          body: `ALTER TABLE accounts ADD COLUMN IF NOT EXISTS ${column} text;\nUPDATE accounts SET ${column} = 'n/a' WHERE ${column} IS NULL;`,
          rollbackBody: `ALTER TABLE accounts DROP COLUMN IF EXISTS ${column};`,
        }),
      )
    }
  }
  await addCopyStep(
    actor,
    ZAddCopyStep.parse({
      phaseId: copyPhase.id,
      name: 'Copy items into PostgreSQL',
      tables: '',
      mode: 'create',
      jobs: String(JOBS),
      chunkRows: '',
      maxRejectedRows: '0',
      reload: '',
    }),
  )
  const { id: environmentId } = await createEnvironment(actor, {
    name: 'bench-staging',
    description: 'The copy target.',
    protected: false,
  })
  await freshTarget(targetAdmin)
  const { id: targetConnectionId } = await createConnection(
    actor,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      name: 'Items on PostgreSQL',
      role: 'TARGET',
      url: targetUrl,
    }),
  )
  const { id: sourceConnectionId } = await createConnection(
    actor,
    ZConnection.parse({
      environmentId,
      engine: 'SQLITE',
      name: 'Items SQLite file',
      role: 'SOURCE',
      filePath: SQLITE_FILE,
    }),
  )
  await setPlanEnvironment(actor, { planId, environmentId, sourceConnectionId, targetConnectionId })

  // The run history: finished runs of the other phases with their step runs and logs, spread over two months.
  // Inserted directly because running them would take the worker minutes; the latest run of each phase succeeded.
  await admin.query('BEGIN')
  const others = phases.filter((_, p) => p !== COPY_PHASE).map((p) => p.id)
  await admin.query(
    `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "dryRun", "requestedById", "startedAt", "finishedAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, ($2::uuid[])[1 + g % cardinality($2::uuid[])], $3,
            (CASE WHEN g <= cardinality($2::uuid[]) THEN 'SUCCEEDED' ELSE (ARRAY['SUCCEEDED','SUCCEEDED','FAILED','ROLLED_BACK'])[1 + g % 4] END)::"RunStatus",
            g % 9 = 0, $4, now() - g * interval '1 day', now() - g * interval '1 day' + (20 + g) * interval '1 second', now() - g * interval '1 day', now()
       FROM generate_series(1, $5::int) g`,
    [planId, others, environmentId, actor.id, RUNS],
  )
  await admin.query(
    `INSERT INTO "StepRun" ("id", "runId", "stepId", "position", "name", "kind", "body", "rollbackBody", "config", "checksum", "status", "statementsApplied", "statementsTotal", "error", "startedAt", "finishedAt")
     SELECT gen_random_uuid(), r."id", s."id", s."position", s."name", s."kind", s."body", s."rollbackBody", s."config", '',
            (CASE WHEN r."status" = 'ROLLED_BACK' THEN 'ROLLED_BACK' WHEN r."status" = 'FAILED' AND s."position" > 0 THEN 'FAILED' ELSE 'SUCCEEDED' END)::"StepRunStatus",
            CASE WHEN r."status" = 'FAILED' AND s."position" > 0 THEN 1 ELSE 2 END, 2,
            CASE WHEN r."status" = 'FAILED' AND s."position" > 0 THEN 'canceling statement due to lock timeout' END,
            r."startedAt" + s."position" * interval '10 seconds', r."startedAt" + (s."position" + 1) * interval '10 seconds'
       FROM "Run" r JOIN "Step" s ON s."phaseId" = r."phaseId" WHERE r."planId" = $1`,
    [planId],
  )
  await admin.query(
    `INSERT INTO "RunEvent" ("runId", "level", "message", "createdAt")
     SELECT r."id", CASE WHEN r."status" <> 'SUCCEEDED' AND g = 8 THEN 'error' ELSE 'info' END, 'Line ' || g || ' of the log: statement applied, lock held for ' || g * 3 || ' ms', r."startedAt" + g * interval '2 seconds'
       FROM "Run" r, generate_series(1, 8) g WHERE r."planId" = $1`,
    [planId],
  )
  await admin.query(
    `UPDATE "Risk" SET "status" = (ARRAY['OPEN','OPEN','MITIGATED','ACCEPTED','CLOSED'])[1 + abs(hashtext("title")) % 5]::"RiskStatus" WHERE "planId" = $1`,
    [planId],
  )
  await admin.query(PLAN_ROLLUP_SQL, [[planId]])
  await admin.query('COMMIT')
  await admin.query('ANALYZE')
  const finishedRunId =
    (
      await admin.query<{ id: string }>(
        `SELECT "id" FROM "Run" WHERE "planId" = $1 AND "status" = 'SUCCEEDED' ORDER BY "createdAt" DESC LIMIT 1`,
        [planId],
      )
    ).rows[0]?.id ?? ''
  const counts = (
    await admin.query(
      `SELECT (SELECT count(*) FROM "Phase" WHERE "planId" = $1)::int AS phases, (SELECT count(*) FROM "ChecklistItem" i JOIN "Phase" f ON f."id" = i."phaseId" WHERE f."planId" = $1)::int AS items,
              (SELECT count(*) FROM "Step" WHERE "planId" = $1)::int AS steps, (SELECT count(*) FROM "Risk" WHERE "planId" = $1)::int AS risks,
              (SELECT count(*) FROM "SuccessCriterion" WHERE "planId" = $1)::int AS criteria, (SELECT count(*) FROM "Run" WHERE "planId" = $1)::int AS runs`,
      [planId],
    )
  ).rows[0]
  console.log(`Seeded ${JSON.stringify(counts)} in ${Date.now() - started} ms`)
  return { planId, copyPhaseId: copyPhase.id, environmentId, finishedRunId, actor, targetUrl }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/**
 * Has every web process serve the page a few times before anything is measured, as on a server that has
 * been up for a while: the processes share the port (node:cluster), each new connection going to the next
 * one, so each request comes on a connection of its own. Without this, the processes the one-at-a-time
 * requests below never reached would load and compile the page's code under load, into the percentiles.
 */
async function warmUp(url: string, cookie: string): Promise<void> {
  for (let i = 0; i < 16; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      get(url, { headers: { cookie }, agent: false }, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      }).on('error', reject)
    })
    if (status !== 200) throw new Error(`${url} answered ${status}, not 200.`)
  }
}

/**
 * Requests a page one at a time, 30 times, before either copy: it must answer 200 (a redirect to sign-in
 * stops the benchmark), and the last 20 give its time with nothing else going on, for comparison.
 */
async function timeAlone(url: string, cookie: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 30; i++) {
    const requested = performance.now()
    const response = await fetch(url, { headers: { cookie }, redirect: 'manual' })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}, not 200.`)
    if (i >= 10) times.push(performance.now() - requested)
  }
  return percentiles(times).p50
}

type Load = { seconds: number; pages: PageLoad[] }

/**
 * Queues a run of the copy phase into a fresh target as a person would (startRun), starts `during` (the
 * load) once it is queued, and waits for the run to end; the copy's figures come from its step run.
 */
async function copy(
  admin: pg.Client,
  targetAdmin: pg.Client,
  seeded: Seeded,
  groups: Choose[],
  during?: (runId: string) => Promise<{ stop: () => Promise<Load> }>,
): Promise<{ result: CopyResult; load?: Load; cpu: { seconds: number; used: Map<string, number> } }> {
  const { startRun } = await import('@/lib/server/runs/commands')
  await freshTarget(targetAdmin)
  const before = { at: performance.now(), cpu: cpuSeconds(groups) }
  const { id: runId } = await startRun(seeded.actor, {
    planId: seeded.planId,
    phaseId: seeded.copyPhaseId,
    environmentId: seeded.environmentId,
    dryRun: false,
  })
  const load = await during?.(runId)
  let run: { status: string; error: string | null } | undefined
  while (!run || !DONE.includes(run.status)) {
    await sleep(250)
    run = (
      await admin.query<{ status: string; error: string | null }>(
        `SELECT "status", "error" FROM "Run" WHERE "id" = $1`,
        [runId],
      )
    ).rows[0]
  }
  const after = cpuSeconds(groups)
  const cpu = {
    seconds: (performance.now() - before.at) / 1000,
    used: new Map([...after].map(([label, used]) => [label, used - (before.cpu.get(label) ?? 0)])),
  }
  const figures = await load?.stop()
  if (run.status !== 'SUCCEEDED')
    throw new Error(`The copy run ended ${run.status}: ${run.error ?? 'no error recorded'}.`)
  const step = (
    await admin.query<{ startedAt: Date; finishedAt: Date; detail: CopyDetail }>(
      `SELECT "startedAt", "finishedAt", "detail" FROM "StepRun" WHERE "runId" = $1`,
      [runId],
    )
  ).rows[0]
  if (!step) throw new Error('The copy run has no step run.')
  const rows = step.detail.tables.reduce((n, t) => n + t.written, 0)
  const target = new pg.Client({ connectionString: seeded.targetUrl })
  await target.connect()
  const counted = Number((await target.query<{ n: string }>('SELECT count(*) AS n FROM items')).rows[0]?.n)
  await target.end()
  if (rows !== ROWS || counted !== ROWS)
    throw new Error(`The copy wrote ${rows} rows (${counted} on the target), not ${ROWS}.`)
  const seconds = (step.finishedAt.getTime() - step.startedAt.getTime()) / 1000
  return {
    result: {
      runId,
      rows,
      seconds,
      engineSeconds: step.detail.seconds ?? NaN,
      indexSeconds: step.detail.indexSeconds ?? NaN,
      rowsPerSecond: rows / seconds,
    },
    load: figures,
    cpu,
  }
}

/**
 * CONNECTIONS closed-loop connections shared out over the pages, each page its own autocannon, until stopped.
 * Stopping lets every connection finish the request it has in flight and send no other: the slowest answers
 * are not cut off, and the server is not left rendering pages nobody waits for into the next copy.
 */
async function startLoad(
  base: string,
  cookie: string,
  pages: { label: string; path: string }[],
): Promise<{ stop: () => Promise<Load> }> {
  const started = performance.now()
  let last = started
  const running = pages.map((page, i) => {
    const connections = Math.floor(CONNECTIONS / pages.length) + (i < CONNECTIONS % pages.length ? 1 : 0)
    const times: number[] = []
    // autocannon's stop() drops requests in flight; a connection that reached its request limit (the
    // maxConnectionRequests option, held by each client as `responseMax`) closes after its answer instead.
    const clients: { reqsMade: number; responseMax?: number }[] = []
    let non2xx = 0
    let errors = 0
    // Slow answers are measured, not cut off: autocannon's 10 s default would drop them from the percentiles.
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `${base}${page.path}`,
          connections,
          duration: 3_600,
          timeout: 120,
          headers: { cookie },
          setupClient: (client) => clients.push(client as unknown as (typeof clients)[number]),
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      )
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        times.push(responseTime)
        last = performance.now()
        if (statusCode < 200 || statusCode > 299) non2xx++
      })
      instance.on('reqError', () => errors++)
    })
    const stop = () => {
      for (const client of clients) client.responseMax = client.reqsMade
    }
    return { connections, times, counts: () => ({ non2xx, errors }), stop, done }
  })
  return {
    stop: async () => {
      for (const r of running) r.stop()
      await Promise.all(running.map((r) => r.done))
      return {
        seconds: (last - started) / 1000,
        pages: running.map((r) => ({ connections: r.connections, times: r.times, ...r.counts() })),
      }
    },
  }
}

/**
 * CONNECTIONS users, each opening the pages in turn (starting at a different one) and reading each for THINK ms
 * on average, until stopped; a user stops after the answer it is waiting for.
 */
async function startUsers(
  base: string,
  cookie: string,
  pages: { label: string; path: string }[],
): Promise<{ stop: () => Promise<Load> }> {
  const started = performance.now()
  let last = started
  let stopping = false
  const results: PageLoad[] = pages.map(() => ({ connections: 0, times: [], non2xx: 0, errors: 0 }))
  const user = async (n: number) => {
    await sleep(Math.random() * THINK) // arrivals spread out, not all at once
    for (let i = n; !stopping; i++) {
      const page = pages[i % pages.length]
      const result = results[i % pages.length]
      if (!page || !result) break
      const requested = performance.now()
      try {
        const response = await fetch(`${base}${page.path}`, { headers: { cookie }, redirect: 'manual' })
        await response.arrayBuffer()
        result.times.push(performance.now() - requested)
        if (response.status < 200 || response.status > 299) result.non2xx++
      } catch {
        result.errors++
      }
      last = performance.now()
      await sleep(THINK * (0.5 + Math.random()))
    }
  }
  for (const result of results) result.connections = CONNECTIONS // every user opens every page in turn
  const users = Array.from({ length: CONNECTIONS }, (_, n) => user(n))
  return {
    stop: async () => {
      stopping = true
      await Promise.all(users)
      return { seconds: (last - started) / 1000, pages: results }
    },
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`Benchmark failed: ${error.message}`)
    process.exit(1)
  },
)
