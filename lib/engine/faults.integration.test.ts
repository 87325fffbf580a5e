import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { applyMigrations } from '@/lib/migrate/migrations'
import { startEmbeddedPostgres, type EmbeddedServer } from '@/lib/runtime/embedded-postgres'
import { startWorkerProcess, until, type WorkerProcess } from '@/lib/testing/worker-process'

// Fault tests: real worker processes, and PostgreSQL servers of this file's own so that they can be stopped –
// one for Lockstep's own state, one for the target. Each fault ends with a clear run state, every row once
// (a validate step compares target and source), no advisory lock left on the target, and the run carried on
// to the end: by itself after a worker or Lockstep's database went away, after a DBA's retry when the target did.

const root = join(tmpdir(), `lockstep-faults-${process.pid}`)
const sqliteDir = join(root, 'sqlite')
await rm(root, { recursive: true, force: true })
await mkdir(sqliteDir, { recursive: true })
type Server = EmbeddedServer & { dataDir: string }
const startServer = async (name: string, port?: number): Promise<Server> => {
  const dataDir = join(root, name)
  return { ...(await startEmbeddedPostgres({ dataDir, password: 'faults', preferredPort: port })), dataDir }
}
let appServer = await startServer('app')
let targetServer = await startServer('target')
await appServer.createDatabase('lockstep')
const appUrl = appServer.url('lockstep')
await applyMigrations(appUrl)
exportEnv({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir })

const {
  db,
  makeUser,
  createConnection,
  createEnvironment,
  ZConnection,
  setPlanEnvironment,
  createPlan,
  addPhase,
  addCopyStep,
  addSqlStep,
  addValidateStep,
  ZAddCopyStep,
  ZAddPhase,
  ZAddSqlStep,
  ZAddValidateStep,
  ZCreatePlan,
  startRun,
  retryRun,
} = await import('@/lib/testing/engine-api')

const workers: ChildProcess[] = []
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL')
  await db.$disconnect()
  await appServer.stop()
  await targetServer.stop()
  await rm(root, { recursive: true, force: true })
})
const startWorker = (): WorkerProcess =>
  startWorkerProcess({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir }, workers)
const stopWorker = async (worker: WorkerProcess, signal: NodeJS.Signals) => {
  if (worker.process.exitCode !== null) return
  const exited = new Promise((resolve) => worker.process.once('exit', resolve))
  worker.process.kill(signal)
  await exited
}

/** One statement on a target database, over a connection of its own. */
async function onTarget<R extends pg.QueryResultRow>(
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: targetServer.url(database) })
  await client.connect()
  try {
    return (await client.query<R>(sql, params)).rows
  } finally {
    await client.end()
  }
}

const advisoryLocks = async (database: string) =>
  (
    await onTarget<{ n: number }>(
      database,
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
  )[0]?.n

/** A plan whose environment targets a fresh database on the target server; `steps` adds its phase's steps. */
async function setup(
  steps: (phaseId: string, lead: Awaited<ReturnType<typeof makeUser>>) => Promise<void>,
  sourceFile?: string,
) {
  const lead = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const database = `target_${randomUUID().replaceAll('-', '').slice(0, 10)}`
  await targetServer.createDatabase(database)
  await onTarget(
    database,
    'CREATE TABLE applied (step text, n int, at timestamptz DEFAULT clock_timestamp()); CREATE TABLE control (sleep_seconds float8); INSERT INTO control VALUES (30)',
  )
  const name = `faults-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: false })
  const { id: targetId } = await createConnection(
    dba,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      name: 'target',
      role: 'TARGET',
      url: `${targetServer.url(database)}?sslmode=disable`,
    }),
  )
  const source = sourceFile
    ? await createConnection(
        dba,
        ZConnection.parse({ environmentId, engine: 'SQLITE', name: 'source', role: 'SOURCE', filePath: sourceFile }),
      )
    : null
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Faults ${name}` }))
  await setPlanEnvironment(lead, {
    planId,
    environmentId,
    sourceConnectionId: source?.id ?? null,
    targetConnectionId: targetId,
  })
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Migrate' }))
  await steps(phaseId, lead)
  const start = async () => (await startRun(lead, { planId, phaseId, environmentId, dryRun: false })).id
  return { dba, database, start }
}

/** A SQLite source of `rows` rows, copied into a table whose every COPY takes 40 ms longer (a statement trigger), then validated. */
async function copyPlan(rows: number) {
  const file = `items-${randomUUID().slice(0, 8)}.db`
  const source = new Database(join(sqliteDir, file))
  source.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount REAL)')
  const insert = source.prepare('INSERT INTO items VALUES (?, ?, ?)')
  source.transaction(() => {
    for (let i = 1; i <= rows; i++) insert.run(i, `item ${i}`, i / 7)
  })()
  source.close()
  const plan = await setup(async (phaseId, lead) => {
    await addCopyStep(
      lead,
      ZAddCopyStep.parse({
        phaseId,
        name: 'Copy items',
        tables: 'items',
        mode: 'existing',
        jobs: '1',
        chunkRows: '500',
      }),
    )
    await addValidateStep(lead, ZAddValidateStep.parse({ phaseId, name: 'Validate items', tables: 'items' }))
  }, file)
  await onTarget(
    plan.database,
    `CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL, amount double precision);
     CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.04); RETURN NULL; END $$;
     CREATE TRIGGER slow AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION slow()`,
  )
  const written = async () =>
    Number(
      (
        await onTarget<{ n: string }>(
          plan.database,
          "SELECT coalesce(sum(rows_written), 0)::text AS n FROM lockstep.copy_part WHERE table_name = 'items'",
        ).catch(() => [{ n: '0' }])
      )[0]?.n,
    )
  return { ...plan, written }
}

const ended = (runId: string, timeoutMs = 120_000) =>
  until(
    `run ${runId} to end`,
    async () => {
      const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) && run
    },
    timeoutMs,
    200,
  )
const log = async (runId: string) =>
  (await db.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } })).map((e) => e.message)

/** Every row once: the validate step passed, and the target holds exactly the source's keys. */
async function expectCopiedOnce(database: string, runId: string, rows: number) {
  const steps = await db.stepRun.findMany({ where: { runId }, orderBy: { position: 'asc' }, include: { step: true } })
  expect(steps.map((s) => [s.step.name, s.status])).toEqual([
    ['Copy items', 'SUCCEEDED'],
    ['Validate items', 'SUCCEEDED'],
  ])
  expect(
    await onTarget(
      database,
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM items',
    ),
  ).toEqual([{ n: rows, d: rows, lo: 1, hi: rows }])
  expect(await advisoryLocks(database)).toBe(0)
}

describe('faults', () => {
  it('kill -9 of the worker mid-copy: the run is interrupted, another worker resumes after the last committed chunk', async () => {
    const rows = 60_000
    const { database, start, written } = await copyPlan(rows)
    const first = startWorker()
    const runId = await start()
    await until('a few chunks to commit', async () => (await written()) >= 5_000, 60_000, 50)
    await stopWorker(first, 'SIGKILL')
    const before = await written()
    expect(before).toBeLessThan(rows)

    const second = startWorker()
    const run = await ended(runId)
    expect(run.status, second.output()).toBe('SUCCEEDED')
    expect(await log(runId)).toContainEqual(
      expect.stringContaining('interrupted and resumes from its first unfinished step'),
    )
    await expectCopiedOnce(database, runId, rows)
    await stopWorker(second, 'SIGTERM')
  }, 180_000)

  it('kill -9 mid-way through a transactional script: nothing of it stays, and the resumed run applies it once', async () => {
    const { database, start } = await setup(async (phaseId, lead) => {
      await addSqlStep(
        lead,
        ZAddSqlStep.parse({
          phaseId,
          name: 'Change',
          body: "INSERT INTO applied (step, n) VALUES ('tx', 1);\nSELECT pg_sleep((SELECT sleep_seconds FROM control));\nINSERT INTO applied (step, n) VALUES ('tx', 2);",
        }),
      )
    })
    const first = startWorker()
    const runId = await start()
    await until(
      'the script to be sleeping',
      async () =>
        (
          await onTarget<{ n: number }>(
            database,
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep((SELECT sleep_seconds%' AND state = 'active' AND pid <> pg_backend_pid()",
          )
        )[0]?.n === 1,
    )
    await stopWorker(first, 'SIGKILL')
    // The dead worker's session goes (client_connection_check_interval), and with it its transaction and lock.
    await until('the dead session to end', async () => (await advisoryLocks(database)) === 0, 30_000)
    expect(await onTarget(database, 'SELECT step, n FROM applied')).toEqual([])
    await onTarget(database, 'UPDATE control SET sleep_seconds = 0')

    const second = startWorker()
    expect((await ended(runId)).status, second.output()).toBe('SUCCEEDED')
    expect(await onTarget(database, 'SELECT step, n FROM applied ORDER BY at')).toEqual([
      { step: 'tx', n: 1 },
      { step: 'tx', n: 2 },
    ])
    expect(await onTarget(database, 'SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success')).toEqual([
      { n: 1 },
    ])
    expect(await advisoryLocks(database)).toBe(0)
    await stopWorker(second, 'SIGTERM')
  }, 120_000)

  it('kill -9 during CREATE INDEX CONCURRENTLY: the INVALID index it leaves is dropped and built again, once', async () => {
    const { database, start } = await setup(async (phaseId, lead) => {
      await addSqlStep(
        lead,
        ZAddSqlStep.parse({
          phaseId,
          name: 'Index',
          body: "INSERT INTO applied (step, n) VALUES ('index', 1);\nCREATE INDEX CONCURRENTLY applied_step ON applied (step);\nINSERT INTO applied (step, n) VALUES ('index', 2);",
        }),
      )
    })
    // An open transaction with a snapshot holds the index build in its wait for older snapshots.
    const holder = new pg.Client({ connectionString: targetServer.url(database) })
    await holder.connect()
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
    await holder.query('SELECT count(*) FROM control')
    const first = startWorker()
    const runId = await start()
    // Its last wait: by then the index exists (INVALID), so the kill leaves it behind. Killed while it is still
    // initializing, the build would leave nothing – which a slow machine reaches first.
    await until(
      'the index build to wait',
      async () =>
        (await onTarget<{ phase: string }>(database, 'SELECT phase FROM pg_stat_progress_create_index'))[0]?.phase ===
        'waiting for old snapshots',
    )
    await stopWorker(first, 'SIGKILL')
    await until(
      'the dead build to end',
      async () =>
        (await onTarget<{ n: number }>(database, 'SELECT count(*)::int AS n FROM pg_stat_progress_create_index'))[0]
          ?.n === 0,
      30_000,
    )
    await holder.query('COMMIT')
    await holder.end()
    expect(
      await onTarget(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'applied_step'::regclass"),
    ).toEqual([{ indisvalid: false }])

    const second = startWorker()
    expect((await ended(runId)).status, second.output()).toBe('SUCCEEDED')
    expect(await log(runId)).toContainEqual(expect.stringContaining('Dropping the INVALID index applied_step'))
    expect(
      await onTarget(
        database,
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'applied_step%'",
      ),
    ).toEqual([{ indisvalid: true }])
    expect(await onTarget(database, 'SELECT step, n FROM applied ORDER BY at')).toEqual([
      { step: 'index', n: 1 },
      { step: 'index', n: 2 },
    ])
    expect(await advisoryLocks(database)).toBe(0)
    await stopWorker(second, 'SIGTERM')
  }, 120_000)

  it('the target backend terminated mid-statement: the run fails saying so, and a DBA’s retry finishes it', async () => {
    const { dba, database, start } = await setup(async (phaseId, lead) => {
      await addSqlStep(
        lead,
        ZAddSqlStep.parse({
          phaseId,
          name: 'Change',
          body: "INSERT INTO applied (step, n) VALUES ('tx', 1);\nSELECT pg_sleep((SELECT sleep_seconds FROM control));\nINSERT INTO applied (step, n) VALUES ('tx', 2);",
        }),
      )
    })
    const worker = startWorker()
    const runId = await start()
    await until(
      'the script to be sleeping',
      async () =>
        (
          await onTarget<{ n: number }>(
            database,
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep((SELECT sleep_seconds%' AND state = 'active' AND pid <> pg_backend_pid()",
          )
        )[0]?.n === 1,
    )
    await onTarget(
      database,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep((SELECT sleep_seconds%' AND state = 'active' AND pid <> pg_backend_pid()",
    )
    const failed = await ended(runId)
    expect(failed.status, worker.output()).toBe('FAILED')
    expect(failed.error).toMatch(
      /The target ended the connection \(line 2: terminating connection due to administrator command\)\. Nothing of this script was kept; retry the run to go on\./,
    )
    expect(await onTarget(database, 'SELECT step, n FROM applied')).toEqual([])
    expect(await advisoryLocks(database)).toBe(0)

    await onTarget(database, 'UPDATE control SET sleep_seconds = 0')
    await retryRun(dba, runId)
    expect((await ended(runId)).status, worker.output()).toBe('SUCCEEDED')
    expect(await onTarget(database, 'SELECT step, n FROM applied ORDER BY at')).toEqual([
      { step: 'tx', n: 1 },
      { step: 'tx', n: 2 },
    ])
    await stopWorker(worker, 'SIGTERM')
  }, 120_000)

  it('the target server stopped mid-copy and started again: the run fails saying so, and a retry resumes the copy', async () => {
    const rows = 60_000
    const { dba, database, start, written } = await copyPlan(rows)
    const worker = startWorker()
    const runId = await start()
    await until('a few chunks to commit', async () => (await written()) >= 5_000, 60_000, 50)
    const port = targetServer.port
    await targetServer.stop()
    const failed = await ended(runId)
    expect(failed.status, worker.output()).toBe('FAILED')
    expect(failed.error).toMatch(/connect|terminat|shut/i)
    targetServer = await startServer('target', port)
    expect(targetServer.port).toBe(port)
    const kept = await written()
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(rows)

    await retryRun(dba, runId)
    const run = await ended(runId)
    expect(run.status, worker.output()).toBe('SUCCEEDED')
    await expectCopiedOnce(database, runId, rows)
    await stopWorker(worker, 'SIGTERM')
  }, 180_000)

  it('Lockstep’s own PostgreSQL down under a running worker, past the end of a copy: the run is interrupted, not failed, and resumes', async () => {
    const rows = 60_000
    const { database, start, written } = await copyPlan(rows)
    const worker = startWorker()
    const runId = await start()
    await until('a few chunks to commit', async () => (await written()) >= 5_000, 60_000, 50)
    const port = appServer.port
    await appServer.stop()
    // Down until the copy has finished on the target, so that its end cannot be recorded.
    await until(
      'the copy to finish while Lockstep’s database is down',
      async () => (await onTarget(database, 'SELECT 1 FROM lockstep.copy WHERE finished_at IS NOT NULL')).length === 1,
      60_000,
      200,
    )
    appServer = await startServer('app', port)
    expect(appServer.port).toBe(port)

    const run = await ended(runId, 120_000)
    expect(run.status, worker.output()).toBe('SUCCEEDED')
    expect(worker.process.exitCode, worker.output()).toBeNull() // the same worker carried on
    expect(await log(runId)).toContainEqual(
      'The run stopped where it was and is interrupted; it resumes from its first unfinished step.',
    )
    expect(worker.output()).toMatch(
      /run [0-9a-f]{8}( \([^)]*\))? stopped: Lockstep's own database could not be reached/,
    )
    await expectCopiedOnce(database, runId, rows)
    await stopWorker(worker, 'SIGTERM')
  }, 240_000)
})
