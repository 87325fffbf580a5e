import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type EmbeddedServer } from '@/lib/runtime/embedded-postgres'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { openMonitorConnection, sampleDatabase } from './sample'

// The top statements of a sample when pg_stat_statements is there. The library must be preloaded when the
// server starts, which the shared test server is not: this file starts a server of its own.

const PROBE = 'SELECT count(*) AS lockstep_probe FROM generate_series(1, 200000)'
const RUNS = 5

let dataDir = ''
let server: EmbeddedServer | undefined
let url = ''
const clients: pg.Client[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lockstep-statements-'))
  server = await startEmbeddedPostgres({
    dataDir,
    password: 'statements',
    settings: { shared_preload_libraries: 'pg_stat_statements' },
  })
  await server.createDatabase('shop')
  url = server.url('shop')
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
