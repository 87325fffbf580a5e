import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { executeRun } from '@/lib/engine/runs'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddBackupStep, ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addBackupStep } from '@/lib/server/plans/step-commands'
import { startRun } from '@/lib/server/runs/commands'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import type { BackupDetail } from '@/lib/domain/step-details'

beforeAll(async () => {
  exportEnv({ LOCKSTEP_BACKUP_DIR: await mkdtemp(join(tmpdir(), 'lockstep-step-backups-')) })
})

async function setup() {
  const dba = await makeUser('DBA')
  const targetUrl = await createFreshDatabase('backup_step', { migrate: false })
  await queryDatabase(
    targetUrl,
    `CREATE TABLE accounts (id int PRIMARY KEY, balance numeric); INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 100) g`,
  )
  const { id: environmentId } = await createEnvironment(dba, {
    name: `env-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const { id: connectionId } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'ledger',
      role: 'TARGET',
      url: `${targetUrl}?sslmode=disable`,
    }),
  )
  const { id: planId } = await createPlan(dba, ZCreatePlan.parse({ title: 'Ledger upgrade' }))
  const { id: phaseId } = await addPhase(dba, ZAddPhase.parse({ planId, name: 'Preparation' }))
  await setPlanEnvironment(dba, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  await addBackupStep(dba, ZAddBackupStep.parse({ phaseId, name: 'Back up the ledger', of: 'target', tables: '' }))
  const run = async (dryRun: boolean) => {
    const { id: runId } = await startRun(dba, { planId, phaseId, environmentId, dryRun })
    // Executed here, not by a worker of another test file.
    await db.run.update({ where: { id: runId }, data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() } })
    return { runId, outcome: await executeRun(runId) }
  }
  return { planId, connectionId, run }
}

describe('backup steps', () => {
  it('back the plan’s target up into a verified artifact the step run names', async () => {
    const { planId, connectionId, run } = await setup()
    const { runId, outcome } = await run(false)
    expect(outcome).toBe('SUCCEEDED')
    const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId } })
    const detail = stepRun.detail as BackupDetail
    const backup = await db.backup.findUniqueOrThrow({ where: { id: detail.backupId } })
    expect(backup).toMatchObject({
      status: 'VERIFIED',
      planId,
      connectionId,
      connectionName: 'ledger',
      stepRunId: stepRun.id,
      format: 'PG_DUMP',
    })
    expect(detail).toMatchObject({
      connection: 'ledger',
      sizeBytes: Number(backup.sizeBytes),
      sha256: backup.sha256,
      verification: backup.verification,
    })
    const events = await db.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } })
    expect(events.map((e) => e.message).join('\n')).toMatch(
      /backed up ledger: [\d.]+ (B|KB|MB), read back \(table of contents read \(pg_restore --list\): \d+ tables?, \d+ entries\)/,
    )
  })

  it('take a new backup when the step runs again, keeping the earlier one as history', async () => {
    const { planId, run } = await setup()
    const { runId } = await run(false)
    const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId } })
    const first = (stepRun.detail as BackupDetail).backupId
    // The step run again, as a retry or a resumed run does.
    await db.stepRun.update({ where: { id: stepRun.id }, data: { status: 'PENDING' } })
    await db.run.update({ where: { id: runId }, data: { status: 'RUNNING', workerId: 'test' } })
    expect(await executeRun(runId)).toBe('SUCCEEDED')
    const second = ((await db.stepRun.findUniqueOrThrow({ where: { id: stepRun.id } })).detail as BackupDetail).backupId
    expect(second).not.toBe(first)
    const backups = await db.backup.findMany({ where: { planId }, orderBy: { createdAt: 'asc' } })
    expect(backups.map((b) => [b.id, b.status, b.stepRunId])).toEqual([
      [first, 'VERIFIED', null],
      [second, 'VERIFIED', stepRun.id],
    ])
  })

  it('in a dry run, check the server and pg_dump without writing a backup', async () => {
    const { planId, run } = await setup()
    const { runId, outcome } = await run(true)
    expect(outcome).toBe('SUCCEEDED')
    expect((await db.stepRun.findFirstOrThrow({ where: { runId } })).status).toBe('SKIPPED')
    expect(await db.backup.count({ where: { planId } })).toBe(0)
  })
})
