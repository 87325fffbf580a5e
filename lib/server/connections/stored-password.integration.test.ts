import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { createConnection, createEnvironment, updateConnection } from './commands'
import { testConnection } from './probes'
import { ZConnection, ZUpdateConnection } from './schemas'

// A stored password goes only to the server, database and user it was saved for, and never less safely:
// an edit that moves the connection or weakens its SSL mode must carry the password again.

// Addresses for documentation (RFC 5737): nothing answers there, and no DNS is asked.
const ELSEWHERE = '192.0.2.10'

async function setup() {
  const dba = await makeUser('DBA')
  const admin = await makeUser('ADMIN')
  const { id: environmentId } = await createEnvironment(dba, {
    name: `stored-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  return { dba, admin, environmentId }
}

const rowOf = (id: string) => db.connection.findUniqueOrThrow({ where: { id } })
const retype = (what: string) =>
  `You changed ${what}; type the password again – a stored password is only ever sent to the server it was saved for.`

describe('a stored password', () => {
  it('is kept on an edit only while host, port, database and user stay; a refused save changes nothing and Test keeps the saved settings', async () => {
    const { dba, admin, environmentId } = await setup()
    const url = new URL(await createFreshDatabase('kept', { migrate: false }))
    const saved = {
      environmentId,
      engine: 'POSTGRES',
      name: 'orders',
      role: 'TARGET',
      host: url.hostname,
      port: url.port,
      database: url.pathname.slice(1),
      username: 'postgres',
      sslMode: 'prefer',
    }
    // The test server is Lockstep's own: an admin allows it once; a DBA edits from then on.
    const { id } = await createConnection(
      admin,
      ZConnection.parse({ ...saved, password: decodeURIComponent(url.password), ownServer: 'allow' }),
    )
    const before = await rowOf(id)
    const audited = (await auditEventsFor(id)).length

    for (const [change, what] of [
      [{ host: ELSEWHERE }, 'the host'],
      [{ port: '6543' }, 'the port'],
      [{ database: 'other' }, 'the database'],
      [{ username: 'someone' }, 'the user'],
      [{ host: ELSEWHERE, port: '6543' }, 'the host and the port'],
      [
        {
          host: '',
          port: '',
          database: '',
          username: '',
          url: `postgresql://postgres@${ELSEWHERE}:${url.port}/${url.pathname.slice(1)}`,
        },
        'the host',
      ],
    ] as const) {
      await expect(
        updateConnection(dba, ZUpdateConnection.parse({ ...saved, ...change, connectionId: id, password: '' })),
        what,
      ).rejects.toMatchObject({
        code: 'INVALID',
        fieldErrors: { password: [retype(what)] },
      })
    }
    expect(await rowOf(id)).toEqual(before)
    expect(await auditEventsFor(id)).toHaveLength(audited)
    // Test uses what is saved, so it still reaches the saved server with the saved password.
    expect(await testConnection(dba, id)).toMatchObject({ ok: true })

    // A rename alone keeps the password (and the admin's allowance: the endpoint did not move).
    await updateConnection(
      dba,
      ZUpdateConnection.parse({ ...saved, connectionId: id, name: 'orders primary', password: '' }),
    )
    expect(await rowOf(id)).toMatchObject({ name: 'orders primary', secret: before.secret, ownServerAllowed: true })
    expect(await testConnection(dba, id)).toMatchObject({ ok: true })

    // With the password typed again the move is saved: a new secret, and the allowance dropped with the old server.
    await updateConnection(
      dba,
      ZUpdateConnection.parse({ ...saved, connectionId: id, host: ELSEWHERE, password: 'typed-again' }),
    )
    const moved = await rowOf(id)
    expect(moved).toMatchObject({ host: ELSEWHERE, ownServerAllowed: false })
    expect(Buffer.from(moved.secret ?? []).equals(Buffer.from(before.secret ?? []))).toBe(false)
    expect((await auditEventsFor(id)).slice(-2).map((e) => [e.action, e.after])).toEqual([
      ['connection.update', expect.objectContaining({ host: ELSEWHERE, password: 'changed', ownServerAllowed: false })],
      ['connection.own-server.drop', expect.objectContaining({ host: ELSEWHERE })],
    ])
  })

  it('asks for the password again when the SSL mode gets weaker, not when it gets stronger', async () => {
    const { dba, environmentId } = await setup()
    const saved = {
      environmentId,
      engine: 'POSTGRES',
      name: 'ledger',
      role: 'SOURCE',
      host: ELSEWHERE,
      port: '5432',
      database: 'ledger',
      username: 'app',
      sslMode: 'require',
    }
    const { id } = await createConnection(dba, ZConnection.parse({ ...saved, password: 'secret-1' }))
    const before = await rowOf(id)
    for (const weaker of ['prefer', 'disable'] as const) {
      await expect(
        updateConnection(dba, ZUpdateConnection.parse({ ...saved, connectionId: id, sslMode: weaker, password: '' })),
      ).rejects.toMatchObject({
        code: 'INVALID',
        fieldErrors: {
          password: [
            `You weakened the SSL mode from require to ${weaker}; type the password again – a stored password is never sent less safely than it was saved for.`,
          ],
        },
      })
    }
    expect(await rowOf(id)).toEqual(before)
    await updateConnection(
      dba,
      ZUpdateConnection.parse({ ...saved, connectionId: id, sslMode: 'verify-full', password: '' }),
    )
    expect(await rowOf(id)).toMatchObject({ sslMode: 'verify-full', secret: before.secret })
    await expect(
      updateConnection(dba, ZUpdateConnection.parse({ ...saved, connectionId: id, sslMode: 'require', password: '' })),
    ).rejects.toMatchObject({ fieldErrors: { password: [expect.stringContaining('from verify-full to require')] } })
    await updateConnection(
      dba,
      ZUpdateConnection.parse({ ...saved, connectionId: id, sslMode: 'disable', password: 'secret-2' }),
    )
    expect(await rowOf(id)).toMatchObject({ sslMode: 'disable' })
  })

  it('is not asked for where none is stored, nor for a SQLite file, which holds no secret', async () => {
    const { dba, environmentId } = await setup()
    const saved = {
      environmentId,
      engine: 'POSTGRES',
      name: 'trusting',
      role: 'SOURCE',
      host: ELSEWHERE,
      port: '5432',
      database: 'app',
      username: 'app',
      sslMode: 'require',
    }
    const { id } = await createConnection(dba, ZConnection.parse(saved))
    await updateConnection(
      dba,
      ZUpdateConnection.parse({ ...saved, connectionId: id, host: '192.0.2.11', sslMode: 'disable', password: '' }),
    )
    expect(await rowOf(id)).toMatchObject({ host: '192.0.2.11', sslMode: 'disable', secret: null })

    exportEnv({ LOCKSTEP_SQLITE_DIR: await mkdtemp(join(tmpdir(), 'lockstep-stored-')) })
    const file = { environmentId, engine: 'SQLITE', name: 'app file', role: 'SOURCE', filePath: 'app.db' }
    const { id: fileId } = await createConnection(dba, ZConnection.parse(file))
    await updateConnection(dba, ZUpdateConnection.parse({ ...file, connectionId: fileId, filePath: 'other.db' }))
    expect(await rowOf(fileId)).toMatchObject({ filePath: 'other.db', secret: null })
  })
})
