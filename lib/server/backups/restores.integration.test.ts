import { randomUUID } from 'node:crypto'
import { mkdtemp, open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { artifactPath, takeBackup } from '@/lib/engine/backup/artifacts'
import { executeRestore } from '@/lib/engine/restores'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { DomainError } from '@/lib/server/errors'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { holdWrite, warmPool } from '@/lib/testing/concurrency'
import { requestRestore } from './commands'
import { ZRequestRestore } from './schemas'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { approveWindow, cancelWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'

beforeAll(async () => {
  exportEnv({ LOCKSTEP_BACKUP_DIR: await mkdtemp(join(tmpdir(), 'lockstep-restore-backups-')) })
})

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

const query = queryDatabase

const rows = async (url: string) =>
  (await query(url, `SELECT coalesce(json_agg(t ORDER BY t.id)::text, '[]') AS rows FROM invoices t`))[0]
    ?.rows as string

/** Executed here rather than by a worker of another test file. */
async function work(restoreId: string) {
  await db.restore.update({
    where: { id: restoreId },
    data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() },
  })
  return executeRestore(restoreId)
}

async function setup(options: { protected?: boolean; planId?: string } = {}) {
  const dba = await makeUser('DBA')
  const [shopUrl, copyUrl] = await Promise.all([
    createFreshDatabase('restore_shop', { migrate: false }),
    createFreshDatabase('restore_copy', { migrate: false }),
  ])
  await query(
    shopUrl,
    `CREATE TABLE invoices (id int PRIMARY KEY, amount numeric(10,2), customer text); INSERT INTO invoices SELECT g, g * 1.5, 'Customer ' || g FROM generate_series(1, 500) g`,
  )
  const environmentName = `env-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, {
    name: environmentName,
    description: '',
    protected: !!options.protected,
  })
  const admin = await makeUser('ADMIN')
  const connect = async (name: string, url: string) =>
    (
      await createConnection(
        admin,
        ZConnection.parse({
          environmentId,
          engine: 'POSTGRES',
          ownServer: 'allow',
          name,
          role: 'TARGET',
          url: `${url}?sslmode=disable`,
        }),
      )
    ).id
  const shopId = await connect('shop', shopUrl)
  const copyId = await connect('shop copy', copyUrl)
  const aliasId = await connect('shop, by another name', shopUrl)
  const backup = await takeBackup(
    {
      connectionId: shopId,
      name: 'shop',
      engine: 'POSTGRES',
      target: postgresTargetFromUrl(`${shopUrl}?sslmode=disable`),
    },
    { planId: options.planId },
  )
  if (!backup.ok) throw new Error(backup.error)
  const database = new URL(shopUrl).pathname.slice(1)
  return { dba, shopUrl, copyUrl, shopId, copyId, aliasId, backup, database, environmentId, environmentName }
}

describe('restores', () => {
  it('restore a verified backup into another database, for DBAs only, audited', async () => {
    const { dba, shopUrl, copyUrl, copyId, backup } = await setup()
    for (const role of ['LEAD', 'STAKEHOLDER'] as const) {
      expect(
        (
          await refusal(
            requestRestore(await makeUser(role), ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId })),
          )
        ).code,
      ).toBe('FORBIDDEN')
    }
    const { id } = await requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId }))
    expect((await auditEventsFor(id)).map((e) => [e.action, e.actorId])).toEqual([['backup.restore', dba.id]])
    expect(
      (await refusal(requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId }))))
        .message,
    ).toBe('A restore into shop copy is already under way.')
    expect(await work(id)).toBe('SUCCEEDED')
    expect(await rows(copyUrl)).toBe(await rows(shopUrl))
    const restore = await db.restore.findUniqueOrThrow({ where: { id } })
    expect([
      restore.status,
      restore.overSource,
      restore.done,
      restore.total > 0,
      restore.done === restore.total,
    ]).toEqual(['SUCCEEDED', false, restore.total, true, true])
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual(['backup.restore', 'restore.succeed'])
  })

  it('exactly one of six simultaneous restores into one connection is queued; the others are told one is under way', async () => {
    const { dba, copyId, backup } = await setup()
    await warmPool()
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId })),
      ),
    )
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(r.reason).toMatchObject({ code: 'CONFLICT', message: 'A restore into shop copy is already under way.' })
      expect(await db.restore.count({ where: { connectionId: copyId } })).toBe(1)
    } finally {
      // Nothing left for a worker to claim.
      await db.restore.updateMany({
        where: { connectionId: copyId, status: 'QUEUED' },
        data: { status: 'FAILED', error: 'Ended by the test.', finishedAt: new Date() },
      })
    }
  })

  it('a restore whose check ran before another one into the connection was committed is refused by the database, with the same message', async () => {
    const { dba, copyId, backup } = await setup()
    const held = await holdWrite(
      `INSERT INTO "Restore" ("id", "backupId", "connectionId", "connectionName", "requestedById") VALUES (gen_random_uuid(), $1, $2, 'shop copy', $3)`,
      [backup.id, copyId, dba.id],
    )
    const result = await held.whileHeld(() =>
      requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId })),
    )
    try {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { code: 'CONFLICT', message: 'A restore into shop copy is already under way.' },
      })
      expect(await db.restore.count({ where: { connectionId: copyId } })).toBe(1)
    } finally {
      await db.restore.updateMany({
        where: { connectionId: copyId, status: 'QUEUED' },
        data: { status: 'FAILED', error: 'Ended by the test.', finishedAt: new Date() },
      })
    }
  })

  it('over the database the backup came from only with its name typed, then bring a dropped table back', async () => {
    const { dba, shopUrl, shopId, aliasId, backup, database } = await setup()
    const before = await rows(shopUrl)
    for (const connectionId of [shopId, aliasId]) {
      for (const confirm of [undefined, 'shop', `${database} `.repeat(2)]) {
        const error = await refusal(
          requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId, confirm })),
        )
        expect(error.fieldErrors?.confirm).toEqual([`Type “${database}” to confirm.`])
      }
    }
    expect(await db.restore.count({ where: { backupId: backup.id } })).toBe(0)
    await query(shopUrl, 'DROP TABLE invoices')
    const { id } = await requestRestore(
      dba,
      ZRequestRestore.parse({ backupId: backup.id, connectionId: aliasId, confirm: database }),
    )
    expect(await work(id)).toBe('SUCCEEDED')
    expect(await rows(shopUrl)).toBe(before)
    expect((await db.restore.findUniqueOrThrow({ where: { id } })).overSource).toBe(true)
  })

  it('refuse a corrupted backup at restore time, and name what is wrong', async () => {
    const { dba, copyUrl, copyId, backup } = await setup()
    const file = await open(artifactPath(backup.ok ? backup.fileName : ''), 'r+')
    await file.write(Buffer.from('tampered'), 0, 8, 100)
    await file.close()
    const { id } = await requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId }))
    expect(await work(id)).toBe('FAILED')
    expect((await db.restore.findUniqueOrThrow({ where: { id } })).error).toMatch(
      /^The backup did not verify: The backup file was changed since it was taken/,
    )
    expect(await query(copyUrl, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).toEqual([
      { n: 0 },
    ])
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual(['backup.restore', 'restore.fail'])
    // A backup that failed verification is not offered again.
    expect(
      (await refusal(requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId }))))
        .message,
    ).toBe('Only a verified backup can be restored.')
  })

  it('into a protected environment only as a run there: an approved window for the backup’s plan, active now, and a fresh second factor', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Restore ${randomUUID().slice(0, 8)}` }))
    const { id: otherPlanId } = await createPlan(
      lead,
      ZCreatePlan.parse({ title: `Other ${randomUUID().slice(0, 8)}` }),
    )
    const { dba, copyId, backup, environmentId, environmentName } = await setup({ protected: true, planId })
    const restore = (code?: string) =>
      requestRestore(dba, ZRequestRestore.parse({ backupId: backup.id, connectionId: copyId, code }))
    expect((await refusal(restore())).message).toContain(
      `“${environmentName}” is protected: a restore there needs an approved maintenance window for the backup's plan that is active now.`,
    )
    const open = (forPlan: string) =>
      requestWindow(
        lead,
        ZRequestWindow.parse({
          environmentId,
          planId: forPlan,
          reason: 'restore',
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      )
    const other = await open(otherPlanId)
    await approveWindow(dba, { windowId: other.id, note: '', confirm: environmentName })
    expect((await refusal(restore())).message).toContain('is for the plan “Other')
    await cancelWindow(dba, other.id)
    const own = await open(planId)
    await approveWindow(dba, { windowId: own.id, note: '', confirm: environmentName })
    // The DBA's last code is an hour old: a restore over production asks for a fresh one.
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date(Date.now() - 3_600_000) } })
    expect((await refusal(restore())).code).toBe('REAUTHENTICATE')
    expect(await db.restore.count({ where: { backupId: backup.id } })).toBe(0)
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date() } })
    const { id } = await restore()
    // The window is cancelled before a worker gets to it: the worker refuses too.
    await cancelWindow(dba, own.id)
    expect(await work(id)).toBe('FAILED')
    expect((await db.restore.findUniqueOrThrow({ where: { id } })).error).toContain(
      'is protected: a restore there needs an approved maintenance window',
    )
  })
})
