import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { applyMigrations } from '@/lib/migrate/migrations'
import { queryDatabase } from '@/lib/testing/fresh-database'
import { DEMO_DATABASE, DEMO_ROLE } from '@/prisma/demo'
import { openDatabase, pgDataDir, type OpenDatabase } from './database'

// Lockstep's own server as `npm start` leaves it (lib/runtime/launcher.ts): an embedded PostgreSQL of its own,
// migrated and seeded with the demo. Clients prove their password with SCRAM-SHA-256, and the demo's role owns
// its database and nothing on the server beyond it.

const dataDir = await mkdtemp(join(tmpdir(), 'lockstep-privilege-'))
// Traversable, as a checkout is: as root the server runs as another user.
await chmod(dataDir, 0o755)
let database: OpenDatabase = await openDatabase({ dataDir })
afterAll(async () => {
  await database.close()
  await rm(pgDataDir(dataDir), { recursive: true, force: true })
  await rm(dataDir, { recursive: true, force: true })
})

const authMethods = async () =>
  (
    await queryDatabase<{ auth_method: string }>(
      database.url,
      'SELECT DISTINCT auth_method FROM pg_hba_file_rules ORDER BY 1',
    )
  ).map((r) => r.auth_method)
const memberships = async (role: string) =>
  (
    await queryDatabase<{ rolname: string }>(
      database.url,
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '${role}' ORDER BY 1`,
    )
  ).map((r) => r.rolname)

describe("Lockstep's embedded server", () => {
  it('asks every client for its password with scram-sha-256, never in cleartext', async () => {
    expect(await authMethods()).toEqual(['scram-sha-256'])
    expect(await queryDatabase(database.url, 'SHOW password_encryption')).toEqual([
      { password_encryption: 'scram-sha-256' },
    ])
    const wrong = new URL(database.url)
    wrong.password = 'not-the-password'
    const client = new pg.Client({ connectionString: wrong.toString() })
    await expect(client.connect()).rejects.toThrow(/password authentication failed/)
  })

  it('moves a data directory made with cleartext passwords to scram-sha-256 when it starts', async () => {
    await database.close()
    const hba = join(pgDataDir(dataDir), 'pg_hba.conf')
    const scram = await readFile(hba, 'utf8')
    // As earlier versions had it: initdb --auth=password.
    await writeFile(hba, scram.replace(/scram-sha-256$/gm, 'password'))
    expect(await readFile(hba, 'utf8')).toMatch(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+password$/m)
    database = await openDatabase({ dataDir })
    expect(await authMethods()).toEqual(['scram-sha-256'])
    expect(await readFile(hba, 'utf8')).toBe(scram)
  })
})

describe('the demo role', () => {
  it('owns the demo database and holds no role on the server: neither pg_monitor nor pg_signal_backend', async () => {
    await applyMigrations(database.url)
    exportEnv({ DATABASE_URL: database.url })
    const { db } = await import('@/lib/db')
    const { seed } = await import('@/prisma/seed')
    try {
      const seeded = await seed(db, { adminPassword: 'a long enough password', demo: { serverUrl: database.url } })
      expect(seeded).toMatchObject({ adminCreated: true })
    } finally {
      await db.$disconnect()
    }
    const [role] = await queryDatabase<{
      rolsuper: boolean
      rolcreaterole: boolean
      rolcreatedb: boolean
      rolreplication: boolean
      rolbypassrls: boolean
    }>(
      database.url,
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = '${DEMO_ROLE}'`,
    )
    expect(role).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      rolbypassrls: false,
    })
    expect(await memberships(DEMO_ROLE)).toEqual([])
    expect(
      await queryDatabase(
        database.url,
        `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = '${DEMO_DATABASE}'`,
      ),
    ).toEqual([{ owner: DEMO_ROLE }])
  })

  it('loses pg_monitor and pg_signal_backend, granted by earlier versions, when Lockstep starts', async () => {
    const { restrictDemoRole } = await import('@/prisma/demo')
    await queryDatabase(database.url, `GRANT pg_monitor, pg_signal_backend TO ${DEMO_ROLE}`)
    expect(await memberships(DEMO_ROLE)).toEqual(['pg_monitor', 'pg_signal_backend'])
    await restrictDemoRole(database.url)
    expect(await memberships(DEMO_ROLE)).toEqual([])
    // Nothing to do the second time, and nothing at all on a server without the demo.
    await restrictDemoRole(database.url)
    await queryDatabase(database.url, `DROP DATABASE ${DEMO_DATABASE}`)
    await queryDatabase(database.url, `DROP ROLE ${DEMO_ROLE}`)
    await restrictDemoRole(database.url)
  })
})
