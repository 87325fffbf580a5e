import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { afterAll, describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { openMonitorConnection, rates, sampleDatabase } from './sample'
import type { DatabaseSample } from '@/lib/domain/monitor-sample'

// The monitor's sample against a real PostgreSQL: a lock queue, a COPY in flight, commits and rollbacks
// under a generated load (compared with pg_stat_database's own deltas), unused indexes until a query scans
// them, pg_stat_statements absent.

const url = await createFreshDatabase('monitor', { migrate: false })
const target = postgresTargetFromUrl(`${url}?sslmode=disable`)
const clients: pg.Client[] = []
const connect = async (connectionString = url) => {
  const client = new pg.Client({ connectionString })
  client.on('error', () => undefined)
  await client.connect()
  clients.push(client)
  return client
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
})

const until = async <T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> => {
  for (let i = 0; i < 100; i++) {
    const value = await probe()
    if (value) return value
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out waiting for ${what}.`)
}

describe('a database sample', () => {
  it('shows a session holding a lock and the one waiting for it, with both pids and queries', async () => {
    const setup = await connect()
    await setup.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 10)')
    const holder = await connect()
    const waiter = await connect()
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
    const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
    await holder.query('BEGIN')
    await holder.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE')
    const waiting = waiter.query('SELECT balance FROM accounts WHERE id = 1').catch(() => undefined)
    const monitor = await openMonitorConnection(target)
    clients.push(monitor)
    const sample = await until(async () => {
      const s = await sampleDatabase(monitor)
      return s.blocked.length ? s : null
    }, 'the lock queue')
    expect(sample.blocked).toEqual([
      expect.objectContaining({
        blockedPid: waiterPid,
        blockedQuery: 'SELECT balance FROM accounts WHERE id = 1',
        waitEvent: 'Lock: relation',
        blockingPid: holderPid,
        blockingQuery: 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE',
        blockingState: 'idle in transaction',
      }),
    ])
    expect(sample.activity).toMatchObject({ waiting: 1, idleInTransaction: 1 })
    await holder.query('ROLLBACK')
    await waiting
  })

  it('shows a COPY in flight with its rows so far', async () => {
    const setup = await connect()
    await setup.query('CREATE TABLE events (id int, note text)')
    const loader = await connect()
    const stream = loader.query(copyFrom('COPY events FROM STDIN'))
    for (let i = 0; i < 5000; i++) stream.write(`${i}\tnote ${i}\n`)
    const monitor = await openMonitorConnection(target)
    clients.push(monitor)
    const copy = await until(
      async () => (await sampleDatabase(monitor)).copies.find((c) => c.tuplesProcessed > 0),
      'COPY progress',
    )
    expect(copy).toMatchObject({ relation: 'events', command: 'COPY FROM', type: 'PIPE' })
    stream.end()
    await once(stream, 'finish')
  })

  it('counts commits and rollbacks per second under a load, as pg_stat_database counts them', async () => {
    const monitor = await openMonitorConnection(target)
    clients.push(monitor)
    const load = await connect()
    await load.query('CREATE TABLE IF NOT EXISTS ticks (n int)')
    await load.query('SELECT pg_stat_force_next_flush()')
    await new Promise((r) => setTimeout(r, 1_100)) // the server publishes each backend's counts at most once a second
    const before = await sampleDatabase(monitor)
    for (let i = 0; i < 200; i++) await load.query('INSERT INTO ticks VALUES ($1)', [i])
    for (let i = 0; i < 30; i++) await load.query('SELECT 1 / 0').catch(() => undefined)
    await load.query('SELECT pg_stat_force_next_flush()')
    const after = await until(async () => {
      const s = await sampleDatabase(monitor)
      return s.counters.rollbacks - before.counters.rollbacks >= 30 ? s : null
    }, 'the load to be counted')
    const r = rates(before, after)
    // The monitor's own queries are commits too; every one of the load's is counted.
    expect(after.counters.commits - before.counters.commits).toBeGreaterThanOrEqual(200)
    // (Other sessions of this file may end a transaction meanwhile; the load's are all there.)
    expect(after.counters.rollbacks - before.counters.rollbacks).toBeGreaterThanOrEqual(30)
    expect(r.commitsPerSecond).toBeCloseTo((after.counters.commits - before.counters.commits) / r.seconds, 6)
    expect(r.rollbacksPerSecond).toBeGreaterThan(0)
    expect(after.counters.sizeBytes).toBeGreaterThan(0)
  })

  it('lists indexes never scanned, largest first, but not those enforcing a key or a constraint, until a query scans one', async () => {
    const setup = await connect()
    await setup.query(`CREATE TABLE orders (id int PRIMARY KEY, code text, customer int, note text);
      INSERT INTO orders SELECT i, 'code-' || i, i % 100, repeat('x', 60) || i FROM generate_series(1, 2000) AS i;
      CREATE UNIQUE INDEX orders_code ON orders (code);
      CREATE INDEX orders_customer ON orders (customer);
      CREATE INDEX orders_note ON orders (note);
      CREATE TABLE slots (id int, EXCLUDE USING btree (id WITH =))`)
    const monitor = await openMonitorConnection(target)
    clients.push(monitor)
    const listed = (sample: DatabaseSample) =>
      sample.unusedIndexes.filter((u) => u.table === 'orders' || u.table === 'slots')
    const before = listed(await sampleDatabase(monitor))
    expect(before.map((u) => u.index)).toEqual(['orders_note', 'orders_customer'])
    expect(before).toEqual([
      expect.objectContaining({ table: 'orders', scans: 0 }),
      expect.objectContaining({ table: 'orders', scans: 0 }),
    ])
    const [note, customer] = before.map((u) => u.sizeBytes)
    expect(customer).toBeGreaterThan(0)
    expect(note).toBeGreaterThan(customer ?? 0)

    const reader = await connect()
    await reader.query('SET enable_seqscan = off')
    const plan = await reader.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT count(*) FROM orders WHERE customer = 7')
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('orders_customer')
    expect((await reader.query('SELECT count(*)::int AS n FROM orders WHERE customer = 7')).rows[0]).toEqual({ n: 20 })
    await reader.query('SELECT pg_stat_force_next_flush()')
    const after = await until(async () => {
      const now = listed(await sampleDatabase(monitor))
      return now.some((u) => u.index === 'orders_customer') ? null : now
    }, 'the index scan to be counted')
    expect(after.map((u) => u.index)).toEqual(['orders_note'])
  })

  it("needs no pg_monitor where every session of the database is its own role's, and says when another role's are hidden from it", async () => {
    const suffix = randomUUID().slice(0, 8)
    const [owner, app] = [`monitor_owner_${suffix}`, `monitor_app_${suffix}`]
    const ownUrl = await createFreshDatabase('monitor_own', { migrate: false })
    const setup = await connect()
    await setup.query(
      `CREATE ROLE ${owner} LOGIN PASSWORD 'owner password'; CREATE ROLE ${app} LOGIN PASSWORD 'app password'`,
    )
    await setup.query(`ALTER DATABASE ${new URL(ownUrl).pathname.slice(1)} OWNER TO ${owner}`)
    const as = (role: string, password: string) => {
      const u = new URL(ownUrl)
      u.username = role
      u.password = password
      return u.toString()
    }
    const holder = await connect(as(owner, 'owner password'))
    const waiter = await connect(as(owner, 'owner password'))
    await holder.query('CREATE TABLE accounts (id int PRIMARY KEY)')
    await holder.query('BEGIN')
    await holder.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE')
    const waiting = waiter.query('SELECT count(*) FROM accounts').catch(() => undefined)
    const monitor = await openMonitorConnection(postgresTargetFromUrl(`${as(owner, 'owner password')}?sslmode=disable`))
    clients.push(monitor)
    const sample = await until(async () => {
      const s = await sampleDatabase(monitor)
      return s.blocked.length ? s : null
    }, 'the lock queue')
    expect(sample).toMatchObject({ role: owner, seesAllSessions: true })
    expect(sample.blocked).toEqual([
      expect.objectContaining({
        blockedQuery: 'SELECT count(*) FROM accounts',
        waitEvent: 'Lock: relation',
        blockingQuery: 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE',
      }),
    ])
    await holder.query('ROLLBACK')
    await waiting

    // An application's session under a role of its own: its statement and wait are hidden from the monitor's role…
    await connect(as(app, 'app password'))
    expect(await sampleDatabase(monitor)).toMatchObject({ seesAllSessions: false })
    // …until that role is granted to it: still nothing server-wide.
    await setup.query(`GRANT ${app} TO ${owner}`)
    expect(await sampleDatabase(monitor)).toMatchObject({ seesAllSessions: true })
  })

  it('says how to enable pg_stat_statements when it is absent', async () => {
    const monitor = await openMonitorConnection(target)
    clients.push(monitor)
    const { statements } = await sampleDatabase(monitor)
    expect(statements).toEqual({
      available: false,
      reason: expect.stringMatching(/shared_preload_libraries.*CREATE EXTENSION pg_stat_statements/),
    })
  })
})
