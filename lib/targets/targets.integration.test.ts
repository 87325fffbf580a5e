import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { introspectPostgres, probePostgres, type PostgresTarget } from './postgres'
import { introspectSqlite, probeSqlite, resolveSqlitePath } from './sqlite'

async function target(): Promise<PostgresTarget> {
  const url = new URL(await createFreshDatabase('target', { migrate: false }))
  return {
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    sslMode: 'disable',
  }
}

describe('PostgreSQL targets', () => {
  it('reports version, latency and privileges of a reachable database', async () => {
    const result = await probePostgres(await target())
    expect(result).toMatchObject({
      ok: true,
      engine: 'POSTGRES',
      serverVersion: expect.stringMatching(/^PostgreSQL 15\./),
    })
    if (result.ok) {
      expect(result.latencyMs).toBeGreaterThanOrEqual(0)
      expect(result.privileges).toEqual(expect.arrayContaining(['superuser', 'connect', 'temporary tables']))
    }
  })

  it('names each failure kind, quickly, without the password', async () => {
    const good = await target()
    const cases: [Partial<PostgresTarget>, string, RegExp][] = [
      [{ port: 1 }, 'refused', /connection was refused/],
      [{ password: 'definitely-wrong' }, 'auth', /Password authentication failed for user/],
      [{ database: 'no_such_db' }, 'database', /database “no_such_db” does not exist/],
      [{ host: 'no-such-host.invalid' }, 'dns', /cannot be resolved/],
      [{ sslMode: 'require' }, 'ssl', /SSL failed with mode “require”: the server at .* does not offer SSL/],
    ]
    for (const [change, kind, message] of cases) {
      const started = Date.now()
      const result = await probePostgres({ ...good, ...change })
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, kind, message: expect.stringMatching(message) })
      expect(JSON.stringify(result)).not.toContain(good.password)
      expect(Date.now() - started).toBeLessThan(10_000)
    }
  })

  it('says SSL only for SSL: a server that accepts the connection and ends it is asked whether it is PostgreSQL', async () => {
    // Real TCP servers on loopback: one closes at once, one answers the SSL request with bytes PostgreSQL
    // never sends, one says yes to SSL and then closes instead of a TLS handshake.
    const servers = [
      (socket: Socket) => socket.destroy(),
      (socket: Socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')),
      (socket: Socket) => socket.once('data', () => socket.end('S')),
    ]
    const listening = await Promise.all(
      servers.map(async (onConnection) => {
        const server = createServer(onConnection)
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        return { server, port: (server.address() as AddressInfo).port }
      }),
    )
    try {
      const good = await target()
      const [closes, http, yesThenCloses] = listening.map((l) => l.port)
      const cases: [number | undefined, PostgresTarget['sslMode'], RegExp][] = [
        [closes, 'disable', /closed the connection right after connecting – is it a PostgreSQL server on that port\?/],
        [closes, 'prefer', /closed the connection right after connecting – is it a PostgreSQL server on that port\?/],
        [
          closes,
          'verify-full',
          /closed the connection right after connecting – is it a PostgreSQL server on that port\?/,
        ],
        [http, 'prefer', /answered in a way PostgreSQL never does – is it a PostgreSQL server on that port\?/],
        [http, 'require', /answered in a way PostgreSQL never does – is it a PostgreSQL server on that port\?/],
        [
          yesThenCloses,
          'require',
          /closed the connection right after connecting – is it a PostgreSQL server on that port\?/,
        ],
      ]
      for (const [port, sslMode, message] of cases) {
        const result = await probePostgres({ ...good, host: '127.0.0.1', port: port ?? 0, sslMode })
        expect(result, `${port} ${sslMode}`).toMatchObject({
          ok: false,
          kind: 'other',
          message: expect.stringMatching(message),
        })
        expect(JSON.stringify(result), `${port} ${sslMode}`).not.toMatch(/SSL|certificate/i)
      }
    } finally {
      for (const { server } of listening) server.close()
    }
  })

  it('connects only to the addresses it is given, whatever the host name would resolve to', async () => {
    const good = await target()
    // The name resolves nowhere; the address checked before is where the connection goes.
    expect(
      await probePostgres({ ...good, host: 'no-such-host.invalid', addresses: [{ address: good.host, family: 4 }] }),
    ).toMatchObject({ ok: true })
    // And a name that resolves to the server does not reach it when told another address (the server listens on 127.0.0.1 only).
    expect(await probePostgres({ ...good, host: 'localhost' })).toMatchObject({ ok: true })
    expect(
      await probePostgres({ ...good, host: 'localhost', addresses: [{ address: '127.0.0.2', family: 4 }] }),
    ).toMatchObject({ ok: false, kind: 'refused' })
  })

  it('lists tables with estimates, columns, keys and indexes', async () => {
    const t = await target()
    const client = new pg.Client({ ...t, ssl: false })
    await client.connect()
    await client.query(`CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL UNIQUE);
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(12,2));
      CREATE INDEX orders_customer ON orders (customer_id);
      INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g; ANALYZE customers;`)
    await client.end()
    const { tables } = await introspectPostgres(t)
    const orders = tables.find((x) => x.name === 'orders')
    expect(tables.find((x) => x.name === 'customers')?.rowEstimate).toBe(50)
    expect(orders).toMatchObject({
      schema: 'public',
      primaryKey: ['id'],
      columns: [
        { name: 'id', type: 'bigint', nullable: false },
        { name: 'customer_id', type: 'integer', nullable: true },
        { name: 'total', type: 'numeric(12,2)', nullable: true },
      ],
      foreignKeys: [{ columns: ['customer_id'], definition: expect.stringContaining('REFERENCES customers(id)') }],
    })
    expect(orders?.indexes.map((i) => i.name).sort()).toEqual(['orders_customer', 'orders_pkey'])
  })
})

describe('SQLite targets', () => {
  async function directory() {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-sqlite-'))
    const db = new Database(join(dir, 'shop.db'))
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
      CREATE INDEX orders_customer ON orders (customer_id);
      INSERT INTO customers (email) VALUES ('a'), ('b');`)
    db.close()
    return dir
  }

  it('opens a file inside the directory and introspects it', async () => {
    const dir = await directory()
    expect(probeSqlite(dir, 'shop.db')).toMatchObject({
      ok: true,
      engine: 'SQLITE',
      serverVersion: expect.stringMatching(/^SQLite 3\./),
      privileges: ['read', 'write'],
    })
    const { tables } = introspectSqlite(dir, 'shop.db')
    expect(tables.map((t) => [t.name, t.rowEstimate, t.primaryKey])).toEqual([
      ['customers', 2, ['id']],
      ['orders', 0, ['id']],
    ])
    expect(tables[1]?.foreignKeys[0]?.definition).toBe('FOREIGN KEY (customer_id) REFERENCES customers(id)')
    expect(tables[1]?.indexes.map((i) => i.name)).toEqual(['orders_customer'])
  })

  it('refuses missing files, paths outside the directory and links leading out, each with its own message', async () => {
    const dir = await directory()
    const outside = await mkdtemp(join(tmpdir(), 'lockstep-outside-'))
    await writeFile(join(outside, 'secret.db'), 'x')
    await symlink(join(outside, 'secret.db'), join(dir, 'link.db'))
    await writeFile(join(dir, 'notes.db'), 'this is not a database, just text that is long enough to have a header')
    expect(probeSqlite(dir, 'missing.db')).toEqual({
      ok: false,
      kind: 'file',
      message: expect.stringContaining('There is no file “missing.db”'),
    })
    expect(probeSqlite(dir, '../x.db')).toMatchObject({
      ok: false,
      message: expect.stringContaining('is outside the SQLite directory'),
    })
    expect(probeSqlite(dir, join(outside, 'secret.db'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('is outside the SQLite directory'),
    })
    expect(probeSqlite(dir, 'link.db')).toMatchObject({
      ok: false,
      message: expect.stringContaining('a link that leads outside'),
    })
    expect(probeSqlite(dir, 'notes.db')).toEqual({
      ok: false,
      kind: 'file',
      message: '“notes.db” is not a SQLite database.',
    })
    expect(() => resolveSqlitePath(dir, 'link.db')).toThrow(/leads outside/)
  })

  it('names files as they were given, never where the directory is on the server', async () => {
    const dir = await directory()
    const outside = await mkdtemp(join(tmpdir(), 'lockstep-outside-'))
    await writeFile(join(outside, 'secret.db'), 'x')
    await symlink(join(outside, 'secret.db'), join(dir, 'link.db'))
    await mkdir(join(dir, 'folder.db'))
    const messages = [
      ...['missing.db', '../x.db', 'link.db', 'folder.db'].map((file) => probeSqlite(dir, file)),
      probeSqlite(join(dir, 'not-there'), 'shop.db'),
    ].map((probe) => (probe.ok ? '' : probe.message))
    expect(messages).toEqual([
      'There is no file “missing.db” in the SQLite directory.',
      '“../x.db” is outside the SQLite directory; only files inside it can be used.',
      '“link.db” is a link that leads outside the SQLite directory; it is refused.',
      '“folder.db” is not a file.',
      'The SQLite directory (LOCKSTEP_SQLITE_DIR) does not exist.',
    ])
    for (const message of messages) expect(message).not.toContain(tmpdir())
    expect(() => introspectSqlite(dir, 'missing.db')).toThrow('There is no file “missing.db” in the SQLite directory.')
  })
})
