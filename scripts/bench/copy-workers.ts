// Benchmark: one copy step's table shared by worker processes. A 2,000,000-row SQLite table (copy.ts's `items`)
// is copied by a copy step – tables created, keys and indexes included – once by 1 worker process, then by 2
// sharing its parts, every time into a fresh target database on a PostgreSQL server of its own, REPEAT times
// each, interleaved. For each copy: the step's seconds and rows/s, and the CPU seconds (and cores, over the
// step's wall time) of the target's PostgreSQL (its postmaster's whole process tree, from /proc) and of the
// workers, so that how the copy scales and where its bottleneck is are plain: a target near its cores is the
// limit; workers near theirs are. Lockstep's own PostgreSQL is a server of its own too.
//   npm run bench:copy-workers [-- --rows 2000000 --jobs 2 --chunk-rows 50000 --repeat 3]
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportEnv } from '@/lib/env'
import { applyMigrations } from '@/lib/migrate/migrations'
import { startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres'
import { loadLocalState, loadOrCreateSecretKey } from '@/lib/runtime/local-state'
import type { CopyDetail } from '@/lib/domain/step-details'
import { startWorkerProcess, until, type WorkerProcess } from '@/lib/testing/worker-process'
import { arg } from './args'
import { commandTree, cpuSeconds, single, type Choose } from './cores'
import { makeSqlite } from './copy'

const ROWS = arg('rows', 2_000_000)
const JOBS = arg('jobs', 2)
const CHUNK_ROWS = arg('chunk-rows', 50_000)
const REPEAT = arg('repeat', 3)
const DIR = join(tmpdir(), 'lockstep-bench-copy-workers')
const SQLITE_FILE = 'items.db'

type Result = {
  workers: number
  seconds: number
  rowsPerSecond: number
  target: number
  workersCpu: number
  perWorker: number[]
  /** Seconds from the step's start to the last part loaded (the rest: keys and indexes), and parts per worker. */
  loadSeconds: number
  partsPerWorker: number[]
}

async function main() {
  const started = performance.now()
  await rm(DIR, { recursive: true, force: true })
  await mkdir(join(DIR, 'sqlite'), { recursive: true })
  const appDir = join(DIR, 'app-pgdata')
  const targetDir = join(DIR, 'target-pgdata')
  const appServer = await startEmbeddedPostgres({ dataDir: appDir, password: randomBytes(18).toString('base64url') })
  const targetServer = await startEmbeddedPostgres({
    dataDir: targetDir,
    password: randomBytes(18).toString('base64url'),
  }).catch(async (error: unknown) => {
    await appServer.stop()
    throw error
  })
  const running: ChildProcess[] = []
  let dataLayer = false
  try {
    await appServer.createDatabase('lockstep')
    const databaseUrl = appServer.url('lockstep')
    await applyMigrations(databaseUrl)
    const env = {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: (await loadLocalState(DIR)).authSecret,
      LOCKSTEP_SECRET_KEY: await loadOrCreateSecretKey(DIR),
      LOCKSTEP_SQLITE_DIR: join(DIR, 'sqlite'),
    }
    exportEnv(env)
    dataLayer = true
    console.log(`Generating ${ROWS.toLocaleString('en')} rows in SQLite…`)
    makeSqlite(join(DIR, 'sqlite', SQLITE_FILE), ROWS)
    const { db } = await import('@/lib/db')
    const { makeUser } = await import('@/lib/testing/factories')
    const { createConnection, createEnvironment } = await import('@/lib/server/connections/commands')
    const { ZConnection } = await import('@/lib/server/connections/schemas')
    const { setPlanEnvironment } = await import('@/lib/server/plans/environment-commands')
    const { createPlan } = await import('@/lib/server/plans/plan-commands')
    const { addPhase } = await import('@/lib/server/plans/phase-commands')
    const { addCopyStep } = await import('@/lib/server/plans/step-commands')
    const { ZAddCopyStep, ZAddPhase, ZCreatePlan } = await import('@/lib/server/plans/schemas')
    const { startRun } = await import('@/lib/server/runs/commands')
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')

    /** A plan copying `items` into a fresh database on the target server; the run it queued. */
    const copyInto = async (round: string) => {
      const database = `target_${round}`
      await targetServer.createDatabase(database)
      const { id: environmentId } = await createEnvironment(admin, { name: round, description: '', protected: false })
      const { id: targetConnectionId } = await createConnection(
        admin,
        ZConnection.parse({
          environmentId,
          engine: 'POSTGRES',
          name: 'target',
          role: 'TARGET',
          url: `${targetServer.url(database)}?sslmode=disable`,
        }),
      )
      const { id: sourceConnectionId } = await createConnection(
        admin,
        ZConnection.parse({ environmentId, engine: 'SQLITE', name: 'items', role: 'SOURCE', filePath: SQLITE_FILE }),
      )
      const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Copy ${round}` }))
      await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId, targetConnectionId })
      const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Copy' }))
      await addCopyStep(
        lead,
        ZAddCopyStep.parse({
          phaseId,
          name: 'Copy items',
          tables: 'items',
          mode: 'create',
          jobs: String(JOBS),
          chunkRows: String(CHUNK_ROWS),
        }),
      )
      return { planId, phaseId, environmentId }
    }

    const copy = async (workers: number, round: string): Promise<Result> => {
      const plan = await copyInto(round)
      const started: WorkerProcess[] = Array.from({ length: workers }, () =>
        startWorkerProcess({ ...env, COPY_UNIT_LEASE_MS: '30000' }, running),
      )
      const pids = started.map((w) => w.process.pid ?? -1)
      const ids = await until(
        `${workers} workers to start`,
        async () => {
          const beats = await db.workerHeartbeat.findMany({ where: { pid: { in: pids } } })
          return beats.length === workers && beats
        },
        120_000,
        200,
      )
      const groups: Choose[] = [
        commandTree("the target's PostgreSQL", `-D ${targetDir} `),
        ...pids.map((pid, i) => single(`worker ${i + 1}`, pid)),
      ]
      const before = cpuSeconds(groups)
      const { id: runId } = await startRun(lead, { ...plan, dryRun: false })
      const run = await until(
        'the copy to end',
        async () => {
          const now = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } })
          return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(now.status) && now
        },
        3_600_000,
        250,
      )
      const after = cpuSeconds(groups)
      const output = started.map((w) => w.output()).join('\n')
      for (const w of started) w.process.kill('SIGTERM')
      await Promise.all(
        started.map((w) => new Promise((r) => (w.process.exitCode === null ? w.process.once('exit', r) : r(null)))),
      )
      const step = run.steps[0]
      if (run.status !== 'SUCCEEDED' || !step?.startedAt || !step.finishedAt)
        throw new Error(`The copy ${run.status.toLowerCase()}: ${run.error ?? ''}\n${output}`)
      const detail = step.detail as CopyDetail
      const written = detail.tables.reduce((n, t) => n + t.written, 0)
      if (written !== ROWS) throw new Error(`The copy wrote ${written} rows, not ${ROWS}.`)
      const seconds = (step.finishedAt.getTime() - step.startedAt.getTime()) / 1000
      const used = (label: string) => (after.get(label) ?? 0) - (before.get(label) ?? 0)
      const perWorker = pids.map((_, i) => used(`worker ${i + 1}`))
      const units = await db.copyUnit.findMany({ where: { stepRunId: step.id } })
      const last = Math.max(...units.map((u) => u.finishedAt?.getTime() ?? 0))
      return {
        workers,
        seconds,
        rowsPerSecond: ROWS / seconds,
        target: used("the target's PostgreSQL"),
        workersCpu: perWorker.reduce((n, s) => n + s, 0),
        perWorker,
        loadSeconds: (last - step.startedAt.getTime()) / 1000,
        partsPerWorker: pids.map(
          (pid) => units.filter((u) => u.workerId === ids.find((h) => h.pid === pid)?.id).length,
        ),
      }
    }

    const results: Result[] = []
    for (let round = 1; round <= REPEAT; round++) {
      // 1 worker first in odd rounds and last in even ones, so a drift of the machine over time favours neither.
      for (const workers of round % 2 ? [1, 2] : [2, 1]) {
        console.log(`Round ${round} of ${REPEAT}: ${workers} worker${workers === 1 ? '' : 's'}…`)
        results.push(await copy(workers, `r${round}_w${workers}`))
      }
    }

    const cores = (cpu: number, r: Result) => (cpu / r.seconds).toFixed(2)
    console.log(
      `\nCopy step: ${ROWS.toLocaleString('en')} rows × 6 columns, SQLite → PostgreSQL (a server of its own), tables created, primary key + 1 index; ${JOBS} jobs per worker, chunks of ${CHUNK_ROWS.toLocaleString('en')} rows; the machine has ${availableParallelism()} cores`,
    )
    console.table(
      results.map((r) => ({
        workers: r.workers,
        'step s': r.seconds.toFixed(1),
        'load s': r.loadSeconds.toFixed(1),
        'parts per worker': r.partsPerWorker.join(' + '),
        'rows/s': Math.round(r.rowsPerSecond).toLocaleString('en'),
        'target CPU s': r.target.toFixed(1),
        'target cores': cores(r.target, r),
        'workers CPU s': r.workersCpu.toFixed(1),
        'workers cores': cores(r.workersCpu, r),
        'per worker CPU s': r.perWorker.map((s) => s.toFixed(1)).join(' + '),
      })),
    )
    const median = (workers: number) => {
      const sorted = results
        .filter((r) => r.workers === workers)
        .map((r) => r.rowsPerSecond)
        .sort((a, b) => a - b)
      const middle = Math.floor(sorted.length / 2)
      return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
    }
    const [one, two] = [median(1), median(2)]
    console.log(
      `median rows/s: 1 worker ${Math.round(one).toLocaleString('en')}, 2 workers ${Math.round(two).toLocaleString('en')} (× ${(two / one).toFixed(2)})`,
    )
    console.log(`(benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s)`)
  } finally {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
    if (dataLayer) await (await import('@/lib/db')).db.$disconnect()
    await targetServer.stop()
    await appServer.stop()
    await rm(DIR, { recursive: true, force: true })
  }
}

await main()
