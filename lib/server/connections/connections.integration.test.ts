import { randomUUID } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { createConnection, createEnvironment, deleteConnection, updateConnection } from './commands'
import { introspectConnection, testConnection } from './probes'
import { listEnvironments } from './queries'
import { ZConnection, ZUpdateConnection } from './schemas'
import { SecretKeyError } from './secrets'

async function setup() {
  const dba = await makeUser('DBA')
  const admin = await makeUser('ADMIN')
  const { id: environmentId } = await createEnvironment(dba, {
    name: `staging-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  // On the test server, which is also Lockstep's own: only an admin's allowance lets a connection reach it.
  const url = new URL(await createFreshDatabase('conn', { migrate: false }))
  return { dba, admin, environmentId, url }
}

/** A connection to the test server (Lockstep's own), as an admin allows it. */
const onOwnServer = (fields: Record<string, unknown>) => ZConnection.parse({ ...fields, ownServer: 'allow' })

describe('connections', () => {
  it('store the password only as ciphertext, test with it, and never show or audit it', async () => {
    const { dba, admin, environmentId, url } = await setup()
    const password = decodeURIComponent(url.password)
    const { id } = await createConnection(
      admin,
      onOwnServer({ environmentId, engine: 'POSTGRES', name: 'target', role: 'TARGET', url: `${url}?sslmode=disable` }),
    )
    const row = await db.connection.findUniqueOrThrow({ where: { id } })
    expect(row).toMatchObject({ host: url.hostname, port: Number(url.port), username: 'postgres', sslMode: 'disable' })
    expect(Buffer.from(row.secret ?? []).includes(Buffer.from(password))).toBe(false)
    expect(Buffer.from(row.secret ?? []).length).toBeGreaterThan(29)
    expect(await testConnection(dba, id)).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/^PostgreSQL/),
    })
    const listed = JSON.stringify(await listEnvironments(dba))
    expect(listed).not.toContain(password)
    expect(listed).toContain('postgres:••••••@')
    expect(JSON.stringify((await auditEventsFor(id)).map((e) => [e.before, e.after]))).not.toContain(password)
  })

  it('keep the stored password when an edit leaves it blank, and replace it when given', async () => {
    const { dba, admin, environmentId, url } = await setup()
    const base = {
      environmentId,
      engine: 'POSTGRES',
      name: 'src',
      role: 'SOURCE',
      host: url.hostname,
      port: url.port,
      database: url.pathname.slice(1),
      username: 'postgres',
      sslMode: 'disable',
    }
    const { id } = await createConnection(admin, onOwnServer({ ...base, password: decodeURIComponent(url.password) }))
    await updateConnection(dba, ZUpdateConnection.parse({ ...base, connectionId: id, name: 'source', password: '' }))
    expect(await testConnection(dba, id)).toMatchObject({ ok: true })
    await updateConnection(dba, ZUpdateConnection.parse({ ...base, connectionId: id, password: 'wrong-now' }))
    expect(await testConnection(dba, id)).toMatchObject({ ok: false, kind: 'auth' })
    expect((await auditEventsFor(id)).filter((e) => e.action === 'connection.update').at(-1)?.after).toMatchObject({
      password: 'changed',
    })
  })

  it('fail loudly when the key changed', async () => {
    const { dba, admin, environmentId, url } = await setup()
    const { id } = await createConnection(
      admin,
      onOwnServer({ environmentId, engine: 'POSTGRES', name: 'k', role: 'TARGET', url: url.toString() }),
    )
    const original = Buffer.alloc(32, 7).toString('base64')
    exportEnv({ LOCKSTEP_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') })
    try {
      await expect(testConnection(dba, id)).rejects.toBeInstanceOf(SecretKeyError)
    } finally {
      exportEnv({ LOCKSTEP_SECRET_KEY: original })
    }
  })

  it('refuse SQLite files outside the directory, and introspect one inside it', async () => {
    const { dba, environmentId } = await setup()
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-sqlite-dir-'))
    exportEnv({ LOCKSTEP_SQLITE_DIR: dir })
    const { default: Database } = await import('better-sqlite3')
    const file = new Database(join(dir, 'app.db'))
    file.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
    file.close()
    await writeFile(join(tmpdir(), 'outside.db'), '')
    await expect(
      createConnection(
        dba,
        ZConnection.parse({ environmentId, engine: 'SQLITE', name: 'out', role: 'SOURCE', filePath: '../outside.db' }),
      ),
    ).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { filePath: [expect.stringContaining('is outside the SQLite directory')] },
    })
    const { id } = await createConnection(
      dba,
      ZConnection.parse({ environmentId, engine: 'SQLITE', name: 'app', role: 'SOURCE', filePath: 'app.db' }),
    )
    expect((await introspectConnection(dba, id)).tables.map((t) => t.name)).toEqual(['t'])
    await deleteConnection(dba, id)
    expect(await db.connection.count({ where: { id } })).toBe(0)
  })

  it('are managed by DBAs and admins only; stakeholders see environments without connections', async () => {
    const { environmentId, url, admin } = await setup()
    const lead = await makeUser('LEAD')
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(
      createConnection(
        lead,
        ZConnection.parse({ environmentId, engine: 'POSTGRES', name: 'x', role: 'TARGET', url: url.toString() }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(createEnvironment(lead, { name: 'nope', description: '', protected: false })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await createConnection(
      admin,
      onOwnServer({ environmentId, engine: 'POSTGRES', name: 'y', role: 'TARGET', url: url.toString() }),
    )
    const seen = (await listEnvironments(stakeholder)).find((e) => e.id === environmentId)
    expect(seen?.connections).toEqual([])
    await expect(
      testConnection(stakeholder, (await db.connection.findFirstOrThrow({ where: { environmentId } })).id),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})

describe('plan environments', () => {
  it('name a source and a target of the environment, in the right roles; stakeholders see only whether they are set', async () => {
    const { dba, admin, environmentId, url } = await setup()
    const { createPlan } = await import('@/lib/server/plans/plan-commands')
    const { ZCreatePlan } = await import('@/lib/server/plans/schemas')
    const { setPlanEnvironment } = await import('@/lib/server/plans/environment-commands')
    const { listPlanEnvironments } = await import('@/lib/server/plans/queries')
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Mapped' }))
    const source = await createConnection(
      admin,
      onOwnServer({ environmentId, engine: 'POSTGRES', name: 'old', role: 'SOURCE', url: url.toString() }),
    )
    const target = await createConnection(
      admin,
      onOwnServer({ environmentId, engine: 'POSTGRES', name: 'new', role: 'TARGET', url: url.toString() }),
    )
    await expect(
      setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: target.id, targetConnectionId: null }),
    ).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { sourceConnectionId: ['“new” is a target connection.'] },
    })
    await setPlanEnvironment(lead, {
      planId,
      environmentId,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
    })
    expect((await listPlanEnvironments(lead, planId)).find((e) => e.environment.id === environmentId)).toMatchObject({
      source: { name: 'old' },
      target: { name: 'new' },
    })
    const stakeholder = await makeUser('STAKEHOLDER')
    expect(
      (await listPlanEnvironments(stakeholder, planId)).find((e) => e.environment.id === environmentId),
    ).toMatchObject({ source: null, target: null, configured: { source: true, target: true }, choices: null })
    await expect(
      setPlanEnvironment(stakeholder, { planId, environmentId, sourceConnectionId: null, targetConnectionId: null }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(deleteConnection(dba, source.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Plans use this connection'),
    })
  })
})

describe('environments', () => {
  it('can be protected later, with the change audited; names stay unique', async () => {
    const { dba, environmentId } = await setup()
    const { updateEnvironment } = await import('./commands')
    const env = await db.environment.findUniqueOrThrow({ where: { id: environmentId } })
    await updateEnvironment(dba, { environmentId, name: env.name, description: 'now live', protected: true })
    expect(await db.environment.findUniqueOrThrow({ where: { id: environmentId } })).toMatchObject({
      protected: true,
      description: 'now live',
    })
    expect((await auditEventsFor(environmentId)).map((e) => [e.action, e.after])).toContainEqual([
      'environment.update',
      { name: env.name, protected: true },
    ])
    await expect(createEnvironment(dba, { name: env.name, description: '', protected: false })).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { name: ['An environment with this name exists.'] },
    })
  })
})
