import { randomUUID } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { createConnection, createEnvironment, updateConnection } from './commands'
import { introspectConnection, testConnection } from './probes'
import { ZConnection, ZUpdateConnection } from './schemas'

// Lockstep's own database server (here the test server, DATABASE_URL's) is no target: a connection
// may reach it only when an admin allowed that connection, and the allowance is audited.

const refusal = (name: string) => `“${name}” points at Lockstep's own database server; only an admin can allow that.`

async function setup() {
  const dba = await makeUser('DBA')
  const admin = await makeUser('ADMIN')
  const { id: environmentId } = await createEnvironment(dba, {
    name: `own-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const url = new URL(await createFreshDatabase('own', { migrate: false }))
  const fields = {
    environmentId,
    engine: 'POSTGRES',
    role: 'TARGET',
    host: url.hostname,
    port: url.port,
    database: url.pathname.slice(1),
    username: 'postgres',
    password: decodeURIComponent(url.password),
    sslMode: 'disable',
  }
  return { dba, admin, environmentId, url, fields }
}

describe("Lockstep's own database server", () => {
  it('is refused as a connection however its address is spelled, unless an admin allows it', async () => {
    const { dba, admin, url, fields } = await setup()
    const ownInterface = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((i) => !i.internal && i.family === 'IPv4')?.address
    const spellings = [
      url.hostname,
      'localhost',
      '127.0.0.2',
      '0.0.0.0',
      '::ffff:127.0.0.1',
      ...(ownInterface ? [ownInterface] : []),
    ]
    const count = () => db.connection.count({ where: { environmentId: fields.environmentId } })
    const before = await count()
    for (const host of spellings) {
      for (const actor of [dba, admin]) {
        await expect(
          createConnection(actor, ZConnection.parse({ ...fields, name: `own ${host}`, host })),
          `${host} as ${actor.role}`,
        ).rejects.toMatchObject({
          code: 'INVALID',
          message: refusal(`own ${host}`),
          fieldErrors: { host: [refusal(`own ${host}`)] },
        })
      }
    }
    await expect(
      createConnection(
        dba,
        ZConnection.parse({ ...fields, name: 'by url', host: '', port: '', url: `${url}?sslmode=disable` }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { url: [refusal('by url')] } })
    // A DBA cannot grant the allowance.
    await expect(
      createConnection(dba, ZConnection.parse({ ...fields, name: 'dba allows', ownServer: 'allow' })),
    ).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { ownServer: ["Only an admin can allow a connection to Lockstep's own database server."] },
    })
    expect(await count()).toBe(before)

    // Another port on the same machine is another server.
    await createConnection(dba, ZConnection.parse({ ...fields, name: 'next door', port: String(Number(url.port) + 1) }))

    const { id } = await createConnection(admin, ZConnection.parse({ ...fields, name: 'allowed', ownServer: 'allow' }))
    expect(await db.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ ownServerAllowed: true })
    expect((await auditEventsFor(id)).map((e) => [e.action, e.actorId, e.after])).toEqual([
      ['connection.create', admin.id, expect.objectContaining({ ownServerAllowed: true })],
      [
        'connection.own-server.allow',
        admin.id,
        expect.objectContaining({ host: url.hostname, port: Number(url.port), database: fields.database }),
      ],
    ])
    expect(await testConnection(dba, id)).toMatchObject({ ok: true })
  })

  it('is refused on test and on Show schema for a connection no admin allowed, and audited; a DBA moving an allowed connection drops the allowance', async () => {
    const { dba, admin, environmentId, url, fields } = await setup()
    // As a connection saved before the rule would be: straight into the table.
    const old = await db.connection.create({
      data: {
        environmentId,
        name: 'from before',
        engine: 'POSTGRES',
        role: 'TARGET',
        host: 'localhost',
        port: Number(url.port),
        database: fields.database,
        username: 'postgres',
        sslMode: 'disable',
      },
    })
    await expect(testConnection(dba, old.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: refusal('from before'),
    })
    await expect(introspectConnection(dba, old.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: refusal('from before'),
    })
    expect((await auditEventsFor(old.id)).map((e) => [e.action, e.after])).toEqual([
      [
        'connection.test',
        {
          name: 'from before',
          host: 'localhost',
          port: Number(url.port),
          database: fields.database,
          refused: 'own database server',
        },
      ],
      [
        'connection.introspect',
        {
          name: 'from before',
          host: 'localhost',
          port: Number(url.port),
          database: fields.database,
          refused: 'own database server',
        },
      ],
    ])

    const { id } = await createConnection(admin, ZConnection.parse({ ...fields, name: 'demo', ownServer: 'allow' }))
    // Another database on the same server, password typed: the admin allowed the old target, not this one.
    await expect(
      updateConnection(
        dba,
        ZUpdateConnection.parse({ ...fields, connectionId: id, name: 'demo', database: 'postgres' }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID', message: refusal('demo') })
    expect(await db.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({
      database: fields.database,
      ownServerAllowed: true,
    })
    // An admin may move it and keep the allowance, and take it back.
    await updateConnection(
      admin,
      ZUpdateConnection.parse({ ...fields, connectionId: id, name: 'demo', database: 'postgres', ownServer: 'allow' }),
    )
    expect(await testConnection(dba, id)).toMatchObject({ ok: true })
    await expect(
      updateConnection(
        admin,
        ZUpdateConnection.parse({
          ...fields,
          connectionId: id,
          name: 'demo',
          database: 'postgres',
          ownServer: 'refuse',
        }),
      ),
    ).rejects.toMatchObject({ message: refusal('demo') })
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual([
      'connection.create',
      'connection.own-server.allow',
      'connection.update',
      'connection.test',
    ])
  })
})
