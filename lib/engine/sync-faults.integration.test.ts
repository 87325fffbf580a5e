import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { parseValidationReport } from '@/lib/domain/validation-report'
import { applyMigrations } from '@/lib/migrate/migrations'
import { startEmbeddedPostgres, type EmbeddedServer } from '@/lib/runtime/embedded-postgres'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { startWorkerProcess, until, type WorkerProcess } from '@/lib/testing/worker-process'

// A sync survives what production throws at it: kill -9 of the worker during the initial copy and during the
// follow, and a restart of the target server, while an application keeps writing to the source. Each time
// another worker (or the same one, once the target answers) goes on from where the target says it got to;
// after the cutover the validation finds the target identical to the source, row for row.

const root = join(tmpdir(), `lockstep-sync-faults-${process.pid}`)
const sqliteDir = join(root, 'sqlite')
await rm(root, { recursive: true, force: true })
await mkdir(sqliteDir, { recursive: true })
type Server = EmbeddedServer & { dataDir: string; port: number }
const startServer = async (name: string, port?: number): Promise<Server> => {
  const dataDir = join(root, name)
  const server = await startEmbeddedPostgres({ dataDir, password: 'faults', preferredPort: port })
  return { ...server, dataDir, port: Number(new URL(server.url('postgres')).port) }
}
const appServer = await startServer('app')
let targetServer = await startServer('target')
const sourceServer = await startServer('source')
await appServer.createDatabase('lockstep')
const appUrl = appServer.url('lockstep')
await applyMigrations(appUrl)
exportEnv({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir })

const api = await import('@/lib/testing/engine-api')
const { db } = api

const workers: ChildProcess[] = []
afterAll(async () => {
  stopWriters()
  for (const w of workers) w.kill('SIGKILL')
  await db.$disconnect()
  await Promise.all([appServer.stop(), targetServer.stop(), sourceServer.stop()])
  await rm(root, { recursive: true, force: true })
})
const startWorker = (): WorkerProcess =>
  startWorkerProcess({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir }, workers)
const kill = async (worker: WorkerProcess) => {
  if (worker.process.exitCode !== null) return
  const exited = new Promise((resolve) => worker.process.once('exit', resolve))
  worker.process.kill('SIGKILL')
  await exited
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(sql)).rows
  } finally {
    await client.end()
  }
}

const ITEMS = 40_000
const ITEMS_SQL = `CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL, amount double precision)`
// Every COPY into items takes 40 ms longer (a statement trigger): the initial copy lasts long enough to be killed.
// The sync's applies replay as a replica, so the trigger does not slow them.
const SLOW_SQL = `CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.04); RETURN NULL; END $$;
  CREATE TRIGGER slow AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION slow()`

/** A plan that keeps `source` in sync (phase 1) and cuts over after a gate (phase 2). */
async function setup(source: { sqlite: string } | { postgres: string }) {
  const lead = await api.makeUser('LEAD')
  const dba = await api.makeUser('DBA')
  const database = `target_${randomUUID().replaceAll('-', '').slice(0, 10)}`
  await targetServer.createDatabase(database)
  await query(targetServer.url(database), `${ITEMS_SQL}; ${SLOW_SQL}`)
  const { id: environmentId } = await api.createEnvironment(dba, {
    name: `sync-faults-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const connection = (fields: Record<string, unknown>) =>
    api.createConnection(dba, api.ZConnection.parse({ environmentId, ...fields }))
  const { id: targetId } = await connection({
    engine: 'POSTGRES',
    name: 'target',
    role: 'TARGET',
    url: `${targetServer.url(database)}?sslmode=disable`,
  })
  const { id: sourceId } = await connection(
    'sqlite' in source
      ? { engine: 'SQLITE', name: 'source', role: 'SOURCE', filePath: source.sqlite }
      : { engine: 'POSTGRES', name: 'source', role: 'SOURCE', url: `${source.postgres}?sslmode=disable` },
  )
  const { id: planId } = await api.createPlan(lead, api.ZCreatePlan.parse({ title: `Sync faults ${database}` }))
  await api.setPlanEnvironment(lead, {
    planId,
    environmentId,
    sourceConnectionId: sourceId,
    targetConnectionId: targetId,
  })
  const { id: syncPhase } = await api.addPhase(lead, api.ZAddPhase.parse({ planId, name: 'Keep in sync' }))
  const { id: cutPhase } = await api.addPhase(lead, api.ZAddPhase.parse({ planId, name: 'Cut over' }))
  await api.addSyncStep(
    lead,
    api.ZAddSyncStep.parse({
      phaseId: syncPhase,
      name: 'Sync items',
      tables: 'items',
      mode: 'existing',
      jobs: '1',
      chunkRows: '500',
      captureConfirmed: 'on',
    }),
  )
  await api.addManualStep(lead, api.ZAddManualStep.parse({ phaseId: cutPhase, name: 'Stop writes to the source' }))
  await api.addCutoverStep(lead, api.ZAddCutoverStep.parse({ phaseId: cutPhase, name: 'Cut over' }))
  const run = async (phaseId: string) =>
    (await api.startRun(lead, { planId, phaseId, environmentId, dryRun: false })).id
  const written = async () =>
    Number(
      (
        await query<{ n: string }>(
          targetServer.url(database),
          "SELECT coalesce(sum(rows_written), 0)::text AS n FROM lockstep.copy_part WHERE table_name = 'items'",
        ).catch(() => [{ n: '0' }])
      )[0]?.n,
    )
  return { lead, planId, database, written, runSync: () => run(syncPhase), runCutover: () => run(cutPhase) }
}

const runState = (runId: string, states: string[]) =>
  until(
    `run ${runId} to be ${states.join(' or ')}`,
    async () => {
      const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
      return states.includes(run.status) && run
    },
    120_000,
    200,
  )
const syncOf = (planId: string) => db.sync.findFirstOrThrow({ where: { planId, direction: 'FORWARD' } })
/** Waits until the followers applied at least `more` changes past what they had. */
async function applies(planId: string, more: number, worker: WorkerProcess) {
  const before = (await syncOf(planId)).appliedChanges
  await until(
    `the sync to apply ${more} more changes`,
    async () => {
      const sync = await syncOf(planId)
      if (worker.process.exitCode !== null) throw new Error(worker.output())
      return sync.status === 'FOLLOWING' && sync.appliedChanges >= before + BigInt(more)
    },
    60_000,
    200,
  )
}

async function restartTarget() {
  const port = targetServer.port
  await targetServer.stop()
  targetServer = await startServer('target', port)
}

/**
 * The sync through every fault: its worker killed during the initial copy, the next one killed during the follow,
 * the target restarted – each time another worker (or the same, once the target answers) goes on.
 */
async function throughFaults(plan: Awaited<ReturnType<typeof setup>>) {
  const first = startWorker()
  const syncRun = await plan.runSync()
  await until('a few chunks of the initial copy', async () => (await plan.written()) >= 3_000, 60_000, 50)
  await kill(first)
  expect(await plan.written()).toBeLessThan(ITEMS)

  const second = startWorker()
  expect((await runState(syncRun, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED')
  await applies(plan.planId, 100, second)
  await kill(second)
  const third = startWorker()
  await applies(plan.planId, 100, third)
  await restartTarget()
  await applies(plan.planId, 100, third)
}

async function cutOver(setupOf: Awaited<ReturnType<typeof setup>>) {
  const runId = await setupOf.runCutover()
  await runState(runId, ['WAITING'])
  await api.releaseGate(setupOf.lead, runId)
  const run = await runState(runId, ['SUCCEEDED', 'FAILED', 'CANCELLED'])
  const steps = await db.stepRun.findMany({ where: { runId }, orderBy: { position: 'asc' } })
  expect([run.status, steps.map((s) => [s.name, s.status, s.error])]).toEqual([
    'SUCCEEDED',
    [
      ['Stop writes to the source', 'SUCCEEDED', null],
      ['Cut over', 'SUCCEEDED', null],
    ],
  ])
  const validation = await db.validation.findFirstOrThrow({ where: { stepRunId: steps[1]?.id } })
  expect(parseValidationReport(validation.report, validation.id)?.tables.map((t) => [t.table, t.state])).toEqual([
    ['items', 'VALIDATED'],
  ])
  const sync = await syncOf(setupOf.planId)
  expect(sync.status).toBe('SWITCHED')
  expect(sync.downtimeMs).toBeGreaterThan(0)
}

describe('sync faults', () => {
  it('SQLite source: kill -9 during the initial copy and during the follow, a restarted target – nothing lost, nothing twice', async () => {
    const file = `items-${randomUUID().slice(0, 8)}.db`
    const path = join(sqliteDir, file)
    const source = new Database(path)
    source.pragma('journal_mode = WAL')
    source.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount REAL)')
    const insert = source.prepare('INSERT INTO items VALUES (?, ?, ?)')
    source.transaction(() => {
      for (let i = 1; i <= ITEMS; i++) insert.run(i, `item ${i}`, i / 7)
    })()
    source.close()
    const plan = await setup({ sqlite: file })
    const writer = startWriter(['--sqlite', path, '--table', 'items', '--column', 'label', '--rate', '100'])

    await throughFaults(plan)

    const written = await writer.stop()
    expect(written.inserts + written.updates + written.deletes).toBeGreaterThan(300)
    await cutOver(plan)
    const check = new Database(path, { readonly: true })
    const count = (check.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '\\_lockstep%' ESCAPE '\\'`).all()).toEqual([])
    check.close()
    expect(await query(targetServer.url(plan.database), 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: count }])
  }, 300_000)

  it('PostgreSQL source: kill -9 during the initial copy and during the follow, a restarted target – the slot resumes, nothing lost, nothing twice', async () => {
    const name = `source_${randomUUID().replaceAll('-', '').slice(0, 10)}`
    await sourceServer.createDatabase(name)
    const url = sourceServer.url(name)
    await query(
      url,
      `${ITEMS_SQL}; INSERT INTO items SELECT i, 'item ' || i, i / 7.0 FROM generate_series(1, ${ITEMS}) i`,
    )
    const plan = await setup({ postgres: url })
    const writer = startWriter(['--postgres', url, '--table', 'items', '--column', 'label', '--rate', '100'])

    await throughFaults(plan)

    await writer.stop()
    await cutOver(plan)
    const [source] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM items')
    expect(await query(targetServer.url(plan.database), 'SELECT count(*)::int AS n FROM items')).toEqual([source])
    expect(
      await query(
        url,
        "SELECT slot_name FROM pg_replication_slots WHERE database = current_database() AND slot_name LIKE 'lockstep%'",
      ),
    ).toEqual([])
  }, 300_000)
})
