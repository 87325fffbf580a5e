import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { DEMO_DATABASE, DEMO_PLAN_TITLE, DEMO_ROLE } from './demo'

// The first start of a fresh installation: an admin and a demo plan that runs against a demo database
// of its own. A database of its own here too, so the engine below claims only this file's run.
const appUrl = await createFreshDatabase('seed_app', { migrate: true })
exportEnv({ DATABASE_URL: appUrl })
const { db } = await import('@/lib/db')
const { seed } = await import('./seed')
const { startRun } = await import('@/lib/server/runs/commands')
const { claimRun, executeRun } = await import('@/lib/engine/runs')

afterAll(() => db.$disconnect())

async function onServer(sql: string) {
  const client = new pg.Client({ connectionString: appUrl })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

describe('seed', () => {
  it('creates the admin and a runnable demo plan once, with a demo database that has its own role', async () => {
    await onServer(`DROP DATABASE IF EXISTS ${DEMO_DATABASE}`)
    const result = await seed(db, { adminEmail: 'first@example.com', adminPassword: 'a long enough password', demo: { serverUrl: appUrl } })
    expect(result).toMatchObject({ adminCreated: true, email: 'first@example.com', demo: expect.stringContaining(DEMO_PLAN_TITLE) })
    expect(await seed(db, { demo: { serverUrl: appUrl } })).toEqual({ adminCreated: false })

    const plan = await db.plan.findFirstOrThrow({ where: { title: DEMO_PLAN_TITLE }, include: { phases: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' } } } }, environments: { include: { targetConnection: true } } } })
    expect(plan.phases.map((p) => [p.name, p.steps.map((s) => s.kind)])).toEqual([
      ['Preparation', ['MANUAL']],
      ['Schema upgrade', ['SQL', 'SQL', 'SQL']],
      ['Cutover', ['MANUAL']],
    ])
    const connection = plan.environments[0]?.targetConnection
    expect(connection).toMatchObject({ username: DEMO_ROLE, database: DEMO_DATABASE })
    expect(connection?.secret).toBeTruthy() // the password is stored encrypted, not in the URL fields

    const admin = await db.user.findFirstOrThrow({ where: { email: 'first@example.com' } })
    const upgrade = plan.phases[1]
    const { id } = await startRun({ kind: 'user', id: admin.id, email: admin.email, name: admin.name, role: admin.role, origin: null }, { planId: plan.id, phaseId: upgrade?.id ?? '', environmentId: plan.environments[0]?.environmentId ?? '', dryRun: false })
    expect(await claimRun('seed-test')).toBe(id)
    expect(await executeRun(id)).toBe('SUCCEEDED')
    const demoUrl = new URL(appUrl)
    demoUrl.pathname = `/${DEMO_DATABASE}`
    const client = new pg.Client({ connectionString: demoUrl.toString() })
    await client.connect()
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM orders WHERE status IS NULL')).rows).toEqual([{ n: 0 }])
      expect((await client.query('SELECT count(*)::int AS n FROM lockstep_schema_history WHERE success')).rows).toEqual([{ n: 3 }])
    } finally {
      await client.end()
    }
  }, 60_000)
})
