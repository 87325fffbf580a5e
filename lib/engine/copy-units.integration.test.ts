import type { ChildProcess } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { startWorkerProcess, until, type WorkerProcess } from '@/lib/testing/worker-process'

// One copy step's parts shared by three real worker processes, against a database of their own (so that they
// claim only this file's work): one of the helpers is killed with SIGKILL in the middle of a part, another
// takes the part over once its lease ran out, and the target ends with exactly the source's rows.

const sqliteDir = join(tmpdir(), `lockstep-copy-units-${process.pid}`)
await rm(sqliteDir, { recursive: true, force: true })
await mkdir(sqliteDir, { recursive: true })
const appUrl = await createFreshDatabase('copy_units_app', { migrate: true })
exportEnv({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir })
const { db, addPhase, addCopyStep, ZAddCopyStep, ZAddPhase, startRun } = await import('@/lib/testing/engine-api')
const { planWithConnections } = await import('@/lib/testing/plan-setup')

const workers: ChildProcess[] = []
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL')
  await db.$disconnect()
  await rm(sqliteDir, { recursive: true, force: true })
})
// A short lease: a dead worker's part is taken over within seconds. Heartbeats two seconds apart (a worker is
// taken for dead after three missed): three workers at a lowered CPU priority and their copies share the machine
// with other test files, and a late beat must not pass for a dead worker – one second apart, a starved worker
// was, and its run was taken over while it ran.
const startWorker = (): WorkerProcess =>
  startWorkerProcess(
    { DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir, COPY_UNIT_LEASE_MS: '3000', WORKER_HEARTBEAT_MS: '2000' },
    workers,
  )

const ROWS = 300_000
const rowText = (id: number, label: string, amount: number) => `${id}|${label}|${amount}`
const digest = (lines: Iterable<string>) => {
  const hash = createHash('md5')
  for (const line of lines) hash.update(`${line}\n`)
  return hash.digest('hex')
}

/**
 * A SQLite table of ROWS rows copied by a copy step into an existing table whose every COPY takes 100 ms longer
 * (a statement trigger, so that parts last long enough to kill a worker mid-way), three workers started and the
 * run queued once all three announced themselves (so that each has its part of the load).
 */
/** `targetSql`: more of the target's schema (a constraint some rows break). */
async function sharedCopy(targetSql = '') {
  const file = `items-${randomUUID().slice(0, 8)}.db`
  const source = new Database(join(sqliteDir, file))
  source.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount INTEGER NOT NULL)')
  const insert = source.prepare('INSERT INTO items VALUES (?, ?, ?)')
  source.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(i, `item ${i}`, i * 3)
  })()
  const expected = digest(
    source
      .prepare<[], { id: number; label: string; amount: number }>('SELECT id, label, amount FROM items ORDER BY id')
      .all()
      .map((r) => rowText(r.id, r.label, r.amount)),
  )
  source.close()

  // Into an existing table whose every COPY takes 100 ms longer (a statement trigger): parts last long enough to kill one mid-way.
  const targetUrl = await createFreshDatabase('copy_units_target', { migrate: false })
  await queryDatabase(
    targetUrl,
    `CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL, amount bigint NOT NULL);
     CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END $$;
     CREATE TRIGGER slow AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION slow();
     ${targetSql}`,
  )
  const { lead, planId, environmentId } = await planWithConnections({
    title: `Shared ${randomUUID().slice(0, 8)}`,
    source: { sqlite: file },
    target: targetUrl,
  })
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Copy' }))
  await addCopyStep(
    lead,
    ZAddCopyStep.parse({
      phaseId,
      name: 'Copy items',
      tables: 'items',
      mode: 'existing',
      jobs: '2',
      chunkRows: '2000',
    }),
  )

  const started = [startWorker(), startWorker(), startWorker()]
  const outputs = () => started.map((w, i) => `worker ${i + 1}:\n${w.output()}`).join('\n')
  // All three announce themselves before the run is queued, so that each has its part of the load.
  const beats = await until(
    'three workers to start',
    async () => {
      const rows = await db.workerHeartbeat.findMany({
        where: { pid: { in: started.map((w) => w.process.pid ?? -1) } },
      })
      return rows.length === 3 && rows
    },
    90_000,
    200,
  )
  const workerOf = new Map(beats.map((b) => [b.id, started.find((w) => w.process.pid === b.pid)]))
  const { id: runId } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
  const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId } })
  return { expected, targetUrl, runId, stepRun, started, workerOf, outputs }
}

/** Waits for the run's end, noting the most workers the run page's figures counted meanwhile. */
async function ended(runId: string, stepRunId: string) {
  let mostWorkers = 0
  const run = await until(
    'the run to end',
    async () => {
      const [now, step] = await Promise.all([
        db.run.findUniqueOrThrow({ where: { id: runId } }),
        db.stepRun.findUniqueOrThrow({ where: { id: stepRunId } }),
      ])
      mostWorkers = Math.max(mostWorkers, (step.detail as { workers?: number } | null)?.workers ?? 0)
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(now.status) && now
    },
    180_000,
    100,
  )
  return { run, mostWorkers }
}

/** Every row of the source once on the target, exactly (a hash of all rows on both sides), and no advisory lock left. */
async function expectExactCopy(targetUrl: string, expected: string) {
  const [counted] = await queryDatabase<{ n: number; d: number }>(
    targetUrl,
    'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM items',
  )
  expect(counted).toEqual({ n: ROWS, d: ROWS })
  const rows = await queryDatabase<{ id: string; label: string; amount: string }>(
    targetUrl,
    'SELECT id::text, label, amount::text FROM items ORDER BY items.id',
  )
  expect(digest(rows.map((r) => rowText(Number(r.id), r.label, Number(r.amount))))).toBe(expected)
  const [locks] = await queryDatabase<{ n: number }>(
    targetUrl,
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  )
  expect(locks?.n).toBe(0)
}

const stop = async (worker: WorkerProcess | undefined, signal: NodeJS.Signals) => {
  expect(worker).toBeDefined()
  if (!worker || worker.process.exitCode !== null || worker.process.signalCode !== null) return
  const exited = new Promise((resolve) => worker.process.once('exit', resolve))
  worker.process.kill(signal)
  await exited
}
const kill = (worker: WorkerProcess | undefined) => stop(worker, 'SIGKILL')
/** The test's workers stopped, so that the next test's are the only ones. */
const stopAll = (started: readonly WorkerProcess[]) => Promise.all(started.map((w) => stop(w, 'SIGTERM')))

describe('a copy step shared by workers', () => {
  it('three workers load one large table; a helper killed mid-part loses only its chunk in flight', async () => {
    const { expected, targetUrl, runId, stepRun, started, workerOf, outputs } = await sharedCopy()

    // The victim: a helper (not the run's own worker) holding a unit it has committed a chunk of.
    const victim = await until(
      'a helper to commit a chunk of a part',
      async () => {
        const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
        const unit = await db.copyUnit.findFirst({
          where: {
            stepRunId: stepRun.id,
            state: 'CLAIMED',
            rowsWritten: { gt: 0 },
            workerId: { not: run.workerId ?? undefined },
          },
        })
        return unit?.workerId && run.workerId ? unit : null
      },
      90_000,
      50,
    )
    await kill(workerOf.get(victim.workerId ?? ''))

    // While it runs, the run page's figures say how many workers copy.
    const { run, mostWorkers } = await ended(runId, stepRun.id)
    expect(run.status, `${run.error}\n${outputs()}`).toBe('SUCCEEDED')
    expect(mostWorkers).toBeGreaterThanOrEqual(2)

    // The killed worker's part was finished by another, after its last committed chunk: every row once.
    const taken = await db.copyUnit.findUniqueOrThrow({ where: { id: victim.id } })
    expect(taken.state).toBe('DONE')
    expect(taken.claimedBy).toContain(victim.workerId)
    expect(taken.claimedBy.length).toBeGreaterThan(1)
    const units = await db.copyUnit.findMany({ where: { stepRunId: stepRun.id } })
    expect(units.length).toBeGreaterThan(8)
    expect(units.every((u) => u.state === 'DONE')).toBe(true)
    expect(new Set(units.flatMap((u) => u.claimedBy)).size).toBe(3)
    expect(units.reduce((n, u) => n + Number(u.rowsWritten), 0)).toBe(ROWS)
    await expectExactCopy(targetUrl, expected)
    await stopAll(started)
  }, 300_000)

  it('the run’s own worker killed mid-part: the helpers go on, the run resumes, and its parts are taken over', async () => {
    const { expected, targetUrl, runId, stepRun, started, workerOf, outputs } = await sharedCopy()

    // The coordinator holding a unit it has committed a chunk of, and a helper loading too.
    const victim = await until(
      'the run’s worker and a helper to commit chunks',
      async () => {
        const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
        const claimed = await db.copyUnit.findMany({
          where: { stepRunId: stepRun.id, state: 'CLAIMED', rowsWritten: { gt: 0 } },
        })
        const own = claimed.find((u) => u.workerId === run.workerId)
        return own && claimed.some((u) => u.workerId !== run.workerId) ? own : null
      },
      90_000,
      50,
    )
    await kill(workerOf.get(victim.workerId ?? ''))

    const { run } = await ended(runId, stepRun.id)
    expect(run.status, `${run.error}\n${outputs()}`).toBe('SUCCEEDED')
    const events = await db.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } })
    expect(events.map((e) => e.message)).toContainEqual(
      expect.stringContaining('interrupted and resumes from its first unfinished step'),
    )
    const taken = await db.copyUnit.findUniqueOrThrow({ where: { id: victim.id } })
    expect(taken.state).toBe('DONE')
    expect(taken.claimedBy.length).toBeGreaterThan(1)
    const units = await db.copyUnit.findMany({ where: { stepRunId: stepRun.id } })
    expect(units.every((u) => u.state === 'DONE')).toBe(true)
    await expectExactCopy(targetUrl, expected)
    await stopAll(started)
  }, 300_000)

  it('a part that fails on any worker fails the step, naming the table, and its unit keeps the error', async () => {
    // The target refuses the rows of one range near the end (a CHECK constraint): whichever worker loads it fails.
    const { runId, stepRun, started, outputs } = await sharedCopy(
      'ALTER TABLE items ADD CONSTRAINT small_amounts CHECK (amount < 840000 OR amount > 840300)',
    )
    const { run } = await ended(runId, stepRun.id)
    expect(run.status, outputs()).toBe('FAILED')
    const step = await db.stepRun.findUniqueOrThrow({ where: { id: stepRun.id } })
    expect(step.status).toBe('FAILED')
    expect(step.error).toMatch(/^items: .*small_amounts/)
    const failed = await db.copyUnit.findMany({ where: { stepRunId: stepRun.id, state: 'FAILED' } })
    expect(failed).toHaveLength(1)
    expect(failed[0]?.error).toMatch(/^items: .*small_amounts/)
    await stopAll(started)
  }, 300_000)
})
