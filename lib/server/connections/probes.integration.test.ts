import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { makeUser } from '@/lib/testing/factories'
import { createConnection, createEnvironment } from './commands'
import { introspectConnection, PROBE_LIMIT, testConnection } from './probes'
import { ZConnection } from './schemas'

// "Test connection" is no port scanner: a limited number a minute per person, each one audited in the
// transaction that counts it, and answers that do not tell a closed port from a silent one.

async function connection(name: string, host: string, port: number) {
  const dba = await makeUser('DBA')
  const { id: environmentId } = await createEnvironment(dba, {
    name: `probes-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const { id } = await createConnection(
    dba,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      name,
      role: 'TARGET',
      host,
      port,
      database: 'inventory',
      username: 'app',
      password: 'never-in-the-log',
      sslMode: 'disable',
    }),
  )
  return id
}

const probesOf = (actorId: string) =>
  db.auditEvent.findMany({
    where: { actorId, action: { in: ['connection.test', 'connection.introspect'] } },
    orderBy: { id: 'asc' },
  })

describe('testing a connection', () => {
  it(`is allowed ${PROBE_LIMIT} times a minute per person, even all at once, each test audited with host, port and database but no password`, async () => {
    const id = await connection('closed', '127.0.0.1', 1)
    const lead = await makeUser('LEAD')
    const results = await Promise.allSettled(Array.from({ length: PROBE_LIMIT + 3 }, () => testConnection(lead, id)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PROBE_LIMIT)
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    expect(refused).toHaveLength(3)
    for (const reason of refused)
      expect(reason).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(
          new RegExp(`^You tested connections ${PROBE_LIMIT} times in the last minute; try again in \\d+ s\\.$`),
        ),
      })

    const audited = await probesOf(lead.id)
    expect(audited).toHaveLength(PROBE_LIMIT)
    for (const event of audited)
      expect(event).toMatchObject({
        action: 'connection.test',
        entityId: id,
        after: { name: 'closed', host: '127.0.0.1', port: 1, database: 'inventory' },
      })
    expect(JSON.stringify(audited.map((e) => [e.before, e.after]))).not.toContain('never-in-the-log')

    // Show schema draws on the same allowance; another person has an allowance of their own.
    await expect(introspectConnection(lead, id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('in the last minute'),
    })
    const dba = await makeUser('DBA')
    await expect(introspectConnection(dba, id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('No PostgreSQL server answered at 127.0.0.1:1'),
    })
    expect((await probesOf(dba.id)).map((e) => e.action)).toEqual(['connection.introspect'])
  })

  it('answers a refused port and a silent address alike, naming where it tried', async () => {
    const lead = await makeUser('LEAD')
    const refused = await testConnection(lead, await connection('refused', '127.0.0.1', 1))
    // An address for documentation (RFC 5737): nothing answers there.
    const silent = await testConnection(lead, await connection('silent', '192.0.2.10', 5432))
    const unreachable = (where: string) => ({
      ok: false,
      kind: 'unreachable',
      message: `No PostgreSQL server answered at ${where}: nothing accepts connections there, a firewall drops them, or what answers is not PostgreSQL. Check the host, the port and the firewall.`,
    })
    expect(refused).toEqual(unreachable('127.0.0.1:1'))
    expect(silent).toEqual(unreachable('192.0.2.10:5432'))
  }, 20_000)

  it('answers a foreign id as not found, without counting or auditing it', async () => {
    const lead = await makeUser('LEAD')
    await expect(testConnection(lead, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await probesOf(lead.id)).toEqual([])
  })
})
