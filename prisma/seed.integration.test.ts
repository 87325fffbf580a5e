import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { exportEnv } from '@/lib/env'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { DEMO_DATABASE, DEMO_PLAN_TITLE, DEMO_ROLE, HOMEVERSE_PLAN_TITLE } from './demo'
import { HOMEVERSE_FILE } from './demo-homeverse'

// The first start of a fresh installation: an admin and a demo plan that runs against a demo database
// of its own. A database of its own here too, so the engine below claims only this file's run.
const appUrl = await createFreshDatabase('seed_app', { migrate: true })
const sqliteDir = await mkdtemp(join(tmpdir(), 'lockstep-seed-sqlite-'))
exportEnv({ DATABASE_URL: appUrl, LOCKSTEP_SQLITE_DIR: sqliteDir })
const { db } = await import('@/lib/db')
const { seed } = await import('./seed')
const { startRun } = await import('@/lib/server/runs/commands')
const { listCopyRejects } = await import('@/lib/server/runs/rejects')
const { claimRun, executeRun } = await import('@/lib/engine/runs')

afterAll(() => db.$disconnect())

/** The admin the first test seeded, acting. */
async function firstAdmin() {
  const admin = await db.user.findFirstOrThrow({ where: { email: 'first@example.com' } })
  return { kind: 'user' as const, id: admin.id, email: admin.email, name: admin.name, role: admin.role, origin: null }
}

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
    const result = await seed(db, {
      adminEmail: 'first@example.com',
      adminPassword: 'a long enough password',
      demo: { serverUrl: appUrl },
    })
    expect(result).toMatchObject({
      adminCreated: true,
      email: 'first@example.com',
      demo: expect.stringContaining(DEMO_PLAN_TITLE),
    })
    expect(await seed(db, { demo: { serverUrl: appUrl } })).toEqual({ adminCreated: false })

    const plan = await db.plan.findFirstOrThrow({
      where: { title: DEMO_PLAN_TITLE },
      include: {
        phases: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' } } } },
        environments: { include: { targetConnection: true } },
      },
    })
    expect(plan.phases.map((p) => [p.name, p.steps.map((s) => s.kind)])).toEqual([
      ['Preparation', ['BACKUP', 'MANUAL']],
      ['Schema upgrade', ['SQL', 'SQL', 'SQL']],
      ['Cutover', ['MANUAL']],
      ['Watch after the switch', ['OBSERVE']],
    ])
    expect(
      await db.rollbackTrigger.findMany({
        where: { planId: plan.id, metric: { not: null } },
        select: { metric: true, comparator: true, threshold: true, sustainedSeconds: true },
      }),
    ).toEqual([
      { metric: 'error_rate_percent', comparator: 'GT', threshold: 5, sustainedSeconds: 30 },
      { metric: 'blocked_sessions', comparator: 'GT', threshold: 0, sustainedSeconds: 60 },
    ])
    const connection = plan.environments[0]?.targetConnection
    expect(connection).toMatchObject({ username: DEMO_ROLE, database: DEMO_DATABASE, ownServerAllowed: true })
    expect(connection?.secret).toBeTruthy() // the password is stored encrypted, not in the URL fields

    const actor = await firstAdmin()
    // The demo database is on Lockstep's own server: seeded as allowed, so "Test connection" works on it.
    const { testConnection } = await import('@/lib/server/connections/probes')
    expect(await testConnection(actor, connection?.id ?? '')).toMatchObject({ ok: true })
    const upgrade = plan.phases[1]
    const { id } = await startRun(actor, {
      planId: plan.id,
      phaseId: upgrade?.id ?? '',
      environmentId: plan.environments[0]?.environmentId ?? '',
      dryRun: false,
    })
    expect(await claimRun('seed-test')).toBe(id)
    expect(await executeRun(id)).toBe('SUCCEEDED')
    const demoUrl = new URL(appUrl)
    demoUrl.pathname = `/${DEMO_DATABASE}`
    const client = new pg.Client({ connectionString: demoUrl.toString() })
    await client.connect()
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM orders WHERE status IS NULL')).rows).toEqual([
        { n: 0 },
      ])
      expect((await client.query('SELECT count(*)::int AS n FROM lockstep.schema_history WHERE success')).rows).toEqual(
        [{ n: 3 }],
      )
    } finally {
      await client.end()
    }
  }, 60_000)

  it('copies the HomeVerse demo from SQLite: the limit of rejected rows fails the step with the reasons, a new run with a higher limit resumes and finishes', async () => {
    const plan = await db.plan.findFirstOrThrow({
      where: { title: HOMEVERSE_PLAN_TITLE },
      include: { phases: { orderBy: { position: 'asc' }, include: { steps: true } }, environments: true },
    })
    const actor = await firstAdmin()
    const [copyPhase] = plan.phases
    const step = copyPhase?.steps[0]
    expect(step).toMatchObject({
      kind: 'COPY',
      config: expect.objectContaining({ maxRejectedRows: 10, mode: 'create' }),
    })
    // Stricter than the data allows: two rejected rows at most.
    await db.step.update({
      where: { id: step?.id },
      data: { config: { ...(step?.config as object), maxRejectedRows: 2, chunkRows: 1000 } },
    })
    const { id } = await startRun(actor, {
      planId: plan.id,
      phaseId: copyPhase?.id ?? '',
      environmentId: plan.environments[0]?.environmentId ?? '',
      dryRun: false,
    })
    expect(await claimRun('seed-test')).toBe(id)
    expect(await executeRun(id)).toBe('FAILED')
    const failed = await db.run.findUniqueOrThrow({ where: { id }, include: { steps: true } })
    expect(failed.steps[0]?.error).toMatch(/rows were rejected, more than the limit of 2\. Most rejected: /)

    // A run executes the configuration it was queued with: a retry would fail the same way. A new run with the
    // higher limit resumes the copy where the failed one left it.
    await db.step.update({
      where: { id: step?.id },
      data: { config: { ...(step?.config as object), maxRejectedRows: 10, chunkRows: 1000 } },
    })
    const { id: again } = await startRun(actor, {
      planId: plan.id,
      phaseId: copyPhase?.id ?? '',
      environmentId: plan.environments[0]?.environmentId ?? '',
      dryRun: false,
    })
    expect(await claimRun('seed-test')).toBe(again)
    expect(await executeRun(again)).toBe('SUCCEEDED')
    const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId: again } })
    const detail = stepRun.detail as {
      status: string
      tables: { table: string; written: number; rejected: number; total: number }[]
      warnings: string[]
    }
    expect(detail.status).toBe('SUCCEEDED')
    // Five misfits in the generated data, each kept once although the retry read their chunks again.
    // Those of the failed run's chunks too: the copy is one, resumed by the new run.
    const rejects = (await listCopyRejects(actor, again, { step: stepRun.id })).rows.sort(
      (a, b) => a.table.localeCompare(b.table) || a.key.localeCompare(b.key),
    )
    expect(rejects.map((r) => [r.table, r.key, r.column])).toEqual([
      ['activities', '4321', 'timestamp'],
      ['applicants', '1234', 'household_size'],
      ['applicants', '2345', 'household_size'],
      ['applicants', '999', 'notes'],
      ['projects', '42', 'starts_on'],
    ])
    expect(detail.warnings.some((w) => /matches.*NOT VALID/.test(w))).toBe(true) // matches of the rejected applicants

    const source = new Database(join(sqliteDir, HOMEVERSE_FILE), { readonly: true })
    const demoUrl = new URL(appUrl)
    demoUrl.pathname = `/${DEMO_DATABASE}`
    const client = new pg.Client({ connectionString: demoUrl.toString() })
    await client.connect()
    try {
      for (const t of detail.tables) {
        const expected = (source.prepare(`SELECT count(*) AS n FROM ${t.table}`).get() as { n: number }).n
        expect(t.written + t.rejected).toBe(expected)
        expect((await client.query(`SELECT count(*)::int AS n FROM ${t.table}`)).rows[0].n).toBe(t.written)
      }
      // Prisma-style epoch milliseconds became the same instants; 'true'/'false' and 1/0 the same booleans.
      const company = source.prepare('SELECT id, created_at, is_active FROM companies WHERE id = 10').get() as {
        id: number
        created_at: number
        is_active: string
      }
      const copied = await client.query(
        `SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS ms, is_active FROM companies WHERE id = 10`,
      )
      expect(copied.rows).toEqual([{ ms: String(company.created_at), is_active: false }])
      expect((await client.query(`SELECT external_ref::text FROM investments WHERE id = 1`)).rows).toEqual([
        { external_ref: '9007199254740994' },
      ])
    } finally {
      source.close()
      await client.end()
    }
  }, 120_000)

  it('validates the copied HomeVerse data: the validate step reports exactly the rejected rows, the orphans, and decides the bound criteria; a validation on demand too', async () => {
    const plan = await db.plan.findFirstOrThrow({
      where: { title: HOMEVERSE_PLAN_TITLE },
      include: { phases: { orderBy: { position: 'asc' } }, environments: true },
    })
    const actor = await firstAdmin()
    const environmentId = plan.environments[0]?.environmentId ?? ''
    const { id } = await startRun(actor, {
      planId: plan.id,
      phaseId: plan.phases[1]?.id ?? '',
      environmentId,
      dryRun: false,
    })
    expect(await claimRun('seed-test')).toBe(id)
    expect(await executeRun(id)).toBe('FAILED')
    const run = await db.run.findUniqueOrThrow({
      where: { id },
      include: { steps: { orderBy: { position: 'asc' }, include: { validation: true } } },
    })
    expect(run.steps[0]?.error).toMatch(
      /^Validation found differences – activities: 1 missing; applicants: 3 missing; .*orphaned row/,
    )
    const validation = run.steps[0]?.validation
    const report = validation?.report as {
      tables: {
        table: string
        state: string
        missing: number
        extra: number
        changed: number
        samples: { key: string; columns: { column: string; source: string | null }[] }[]
      }[]
      integrity: { kind: string; table: string; count: number }[]
      rules: { name: string; passed: boolean }[]
    }
    expect(validation?.status).toBe('FAILED')
    const differing = report.tables
      .filter((t) => t.state !== 'VALIDATED')
      .map((t) => [t.table, t.state, t.missing, t.extra, t.changed])
    expect(differing).toEqual([
      ['activities', 'MISMATCHED', 1, 0, 0],
      ['applicants', 'MISMATCHED', 3, 0, 0],
      ['projects', 'MISMATCHED', 1, 0, 0],
    ])
    // The rejected value is shown as it is in the source, marked as not fitting its column.
    const project = report.tables.find((t) => t.table === 'projects')?.samples[0]
    expect(project?.key).toBe('42')
    expect(project?.columns.find((c) => c.column === 'starts_on')?.source).toMatch(/does not fit the target column/)
    expect(report.integrity.filter((f) => f.kind === 'orphan').map((f) => f.table)).toEqual(
      expect.arrayContaining(['matches']),
    )
    expect(report.rules).toEqual([expect.objectContaining({ name: 'Matches score between 0 and 100', passed: true })])
    const criteria = await db.successCriterion.findMany({
      where: { planId: plan.id, NOT: { evidenceId: null } },
      orderBy: { position: 'asc' },
    })
    expect(criteria.map((c) => [c.text, c.status, c.evidenceId])).toEqual([
      ['Row counts match on every table', 'NOT_MET', validation?.id],
      ['No orphaned rows on the target', 'NOT_MET', validation?.id],
    ])
    expect(await db.auditEvent.count({ where: { action: 'successCriterion.evaluate', planId: plan.id } })).toBe(2)

    // On demand, for the tables that copied whole: every count matches – but a selection of tables decides no criterion.
    const { requestValidation } = await import('@/lib/server/validations/commands')
    const { claimValidation, executeValidation } = await import('@/lib/engine/validations')
    const asked = await requestValidation(actor, {
      planId: plan.id,
      environmentId,
      tables: ['companies', 'users'],
      maxSamples: 20,
      maxDifferences: 1000,
    })
    await expect(
      requestValidation(actor, { planId: plan.id, environmentId, tables: [], maxSamples: 20, maxDifferences: 1000 }),
    ).rejects.toThrow(/already queued/)
    expect(await claimValidation('seed-test')).toBe(asked.id)
    expect(await executeValidation(asked.id)).toBe('PASSED')
    expect(
      (
        await db.successCriterion.findFirstOrThrow({
          where: { planId: plan.id, text: 'Row counts match on every table' },
        })
      ).status,
    ).toBe('NOT_MET')
    // Once the rejected rows are fixed on the target by hand (here: deleted from the source), a full validation decides it MET.
    const source = new Database(join(sqliteDir, HOMEVERSE_FILE))
    source.pragma('foreign_keys = OFF')
    source.exec(
      'DELETE FROM applicants WHERE id IN (999, 1234, 2345); DELETE FROM projects WHERE id = 42; DELETE FROM activities WHERE id = 4321',
    )
    source.close()
    const full = await requestValidation(actor, {
      planId: plan.id,
      environmentId,
      tables: [],
      maxSamples: 20,
      maxDifferences: 1000,
    })
    expect(await claimValidation('seed-test')).toBe(full.id)
    expect(await executeValidation(full.id)).toBe('FAILED') // the orphans are still there
    const decided = await db.successCriterion.findMany({
      where: { planId: plan.id, NOT: { evidenceId: null } },
      orderBy: { position: 'asc' },
    })
    expect(decided.map((c) => [c.text, c.status, c.evidenceId])).toEqual([
      ['Row counts match on every table', 'MET', full.id],
      ['No orphaned rows on the target', 'NOT_MET', full.id],
    ])
  }, 120_000)

  it('keeps HomeVerse in sync while the demo application writes, then cuts over once the cutover phase stopped it', async () => {
    const { createFollowers } = await import('@/lib/engine/syncs')
    const { demoApplicationWrites } = await import('@/lib/server/syncs/demo')
    const { releaseGate } = await import('@/lib/server/runs/resolve')
    const { runWriter } = await import('@/lib/runtime/sync-writer')
    const plan = await db.plan.findFirstOrThrow({
      where: { title: HOMEVERSE_PLAN_TITLE },
      include: {
        phases: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' } } } },
        environments: true,
      },
    })
    const actor = await firstAdmin()
    const [, , syncPhase, cutPhase] = plan.phases
    expect(plan.phases.slice(2).map((p) => [p.name, p.steps.map((s) => s.kind)])).toEqual([
      ['Keep in sync', ['SYNC']],
      ['Cut over', ['MANUAL', 'CUTOVER']],
    ])
    const environmentId = plan.environments[0]?.environmentId ?? ''
    const run = async (phaseId: string) => {
      const { id } = await startRun(actor, { planId: plan.id, phaseId, environmentId, dryRun: false })
      expect(await claimRun('seed-test')).toBe(id)
      return id
    }
    const syncRun = await run(syncPhase?.id ?? '')
    expect(await executeRun(syncRun)).toBe('SUCCEEDED')
    expect(await demoApplicationWrites(HOMEVERSE_PLAN_TITLE)).toBe(true)

    const followers = createFollowers('seed-test-follower', () => undefined)
    const ticking = setInterval(() => void followers.tick().catch(() => undefined), 300)
    const application = new AbortController()
    const writing = runWriter({
      sqlite: join(sqliteDir, HOMEVERSE_FILE),
      table: 'activities',
      key: 'id',
      column: 'details',
      rate: 50,
      signal: application.signal,
    })
    try {
      for (const end = Date.now() + 30_000; ;) {
        const sync = await db.sync.findFirstOrThrow({ where: { planId: plan.id } })
        if (sync.appliedChanges >= 30n) break
        if (Date.now() > end) throw new Error(`the sync applied nothing: ${sync.error}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      const cutRun = await run(cutPhase?.id ?? '')
      // The demo application stops writing once the cutover phase has begun.
      expect(await demoApplicationWrites(HOMEVERSE_PLAN_TITLE)).toBe(false)
      application.abort()
      await writing
      expect(await executeRun(cutRun)).toBe('WAITING')
      await releaseGate(actor, cutRun)
      expect(await claimRun('seed-test')).toBe(cutRun)
      expect(await executeRun(cutRun)).toBe('SUCCEEDED')
      const cutover = await db.stepRun.findFirstOrThrow({ where: { runId: cutRun, kind: 'CUTOVER' } })
      const finished = await db.runEvent.findMany({ where: { runId: cutRun }, select: { message: true } })
      expect(finished.map((e) => e.message).join('\n')).toMatch(/switched to the target .* of downtime/)
      expect(cutover.status).toBe('SUCCEEDED')
    } finally {
      application.abort()
      clearInterval(ticking)
      await followers.stop()
    }
    const sync = await db.sync.findFirstOrThrow({ where: { planId: plan.id } })
    expect([sync.status, sync.downtimeMs !== null]).toEqual(['SWITCHED', true])
    const file = new Database(join(sqliteDir, HOMEVERSE_FILE), { readonly: true })
    expect(file.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%lockstep%'`).all()).toEqual([])
    file.close()
  }, 120_000)
})
