import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddBackupStep, ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addBackupStep } from '@/lib/server/plans/step-commands'
import { getRun } from '@/lib/server/runs/queries'
import { makeUser } from '@/lib/testing/factories'
import { listPlanBackups, PLAN_BACKUPS_SHOWN } from './queries'
import { snapshotOf } from '@/lib/server/runs/content'

// Backups as the plan page and the run page read them: rows written here as the backup engine writes them.
async function setup() {
  const dba = await makeUser('DBA')
  const { id: planId } = await createPlan(dba, ZCreatePlan.parse({ title: 'Plan with backups' }))
  const { id: phaseId } = await addPhase(dba, ZAddPhase.parse({ planId, name: 'Preparation' }))
  const { id: stepId } = await addBackupStep(
    dba,
    ZAddBackupStep.parse({ phaseId, name: 'Back up the ledger', of: 'target', tables: '' }),
  )
  const environment = await db.environment.create({ data: { name: `env-${randomUUID().slice(0, 8)}` } })
  return { dba, planId, phaseId, stepId, environmentId: environment.id }
}

const SHA = 'a'.repeat(64)
const verified = (planId: string, createdAt: Date, extra: { stepRunId?: string; tables?: string[] } = {}) =>
  db.backup.create({
    data: {
      planId,
      connectionName: 'ledger',
      format: 'PG_DUMP',
      tables: extra.tables ?? [],
      stepRunId: extra.stepRunId,
      fileName: `2026-11-21/ledger-${createdAt.getTime()}.dump`,
      sizeBytes: BigInt(5 * 1024 ** 3),
      sha256: SHA,
      toolVersion: 'pg_dump (PostgreSQL) 15.14',
      serverVersion: 'PostgreSQL 15.18',
      status: 'VERIFIED',
      verification: 'pg_restore --list read 42 entries',
      createdAt,
      verifiedAt: createdAt,
      finishedAt: createdAt,
    },
  })

describe('backup queries', () => {
  it('list the plan’s latest backups for every role, newest first, sizes as numbers; file names and errors for editors only', async () => {
    const { dba, planId } = await setup()
    const other = await setup()
    const start = Date.parse('2026-11-01T00:00:00Z')
    for (let i = 0; i < PLAN_BACKUPS_SHOWN + 2; i++) await verified(planId, new Date(start + i * 60_000))
    await verified(other.planId, new Date(start + 3_600_000))
    const failed = await db.backup.create({
      data: {
        planId,
        connectionName: 'ledger',
        format: 'PG_DUMP',
        tables: ['public.accounts'],
        fileName: '',
        status: 'FAILED',
        error: 'connection to server at "10.0.0.5", port 5432 failed',
        createdAt: new Date(start + 3_600_000),
      },
    })

    const backups = await listPlanBackups(dba, planId)
    expect(backups).toHaveLength(PLAN_BACKUPS_SHOWN)
    expect(backups[0]).toMatchObject({
      id: failed.id,
      status: 'FAILED',
      tables: ['public.accounts'],
      fileName: null,
      sizeBytes: null,
      error: 'connection to server at "10.0.0.5", port 5432 failed',
    })
    expect(backups[1]).toMatchObject({
      status: 'VERIFIED',
      sizeBytes: 5 * 1024 ** 3,
      sha256: SHA,
      fileName: `2026-11-21/ledger-${start + 11 * 60_000}.dump`,
      createdAt: new Date(start + 11 * 60_000).toISOString(),
    })
    expect(backups.map((b) => b.createdAt)).toEqual([...backups.map((b) => b.createdAt)].sort().reverse())

    const stakeholder = await makeUser('STAKEHOLDER')
    const read = await listPlanBackups(stakeholder, planId)
    expect(read.map((b) => b.id)).toEqual(backups.map((b) => b.id))
    expect(read.every((b) => b.fileName === null)).toBe(true)
    expect(read[0]?.error).toBe('The backup failed; editors can read why.')
    expect(read[1]).toMatchObject({
      sha256: SHA,
      verification: 'pg_restore --list read 42 entries',
      sizeBytes: 5 * 1024 ** 3,
    })
    await expect(listPlanBackups(stakeholder, 'not-a-plan')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await listPlanBackups(stakeholder, randomUUID())).toEqual([])
  })

  it('say a backup restores only once a restore of it succeeded, naming where and when', async () => {
    const { dba, planId } = await setup()
    const backup = await verified(planId, new Date('2026-11-02T00:00:00Z'))
    expect((await listPlanBackups(dba, planId))[0]).toMatchObject({
      id: backup.id,
      status: 'VERIFIED',
      lastRestore: null,
    })
    const restore = (connectionName: string, status: 'SUCCEEDED' | 'FAILED' | 'RUNNING', finishedAt: Date | null) =>
      db.restore.create({
        data: {
          backupId: backup.id,
          connectionName,
          requestedById: dba.id,
          status,
          createdAt: finishedAt ?? new Date(),
          finishedAt,
        },
      })
    await restore('scratch', 'FAILED', new Date('2026-11-03T00:00:00Z'))
    await restore('scratch', 'RUNNING', null)
    expect((await listPlanBackups(dba, planId))[0]?.lastRestore).toBeNull()
    await restore('scratch-1', 'SUCCEEDED', new Date('2026-11-04T00:00:00Z'))
    await restore('scratch-2', 'SUCCEEDED', new Date('2026-11-05T00:00:00Z'))
    await restore('scratch-3', 'FAILED', new Date('2026-11-06T00:00:00Z'))
    const stakeholder = await makeUser('STAKEHOLDER')
    for (const reader of [dba, stakeholder])
      expect((await listPlanBackups(reader, planId))[0]?.lastRestore).toEqual({
        intoConnectionName: 'scratch-2',
        finishedAt: '2026-11-05T00:00:00.000Z',
      })
  })

  it('give a run’s backup step its artifact, and the run the verified backup that covers it', async () => {
    const { dba, planId, phaseId, stepId, environmentId } = await setup()
    const run = await db.run.create({
      data: { planId, phaseId, environmentId, requestedById: dba.id, status: 'SUCCEEDED' },
    })
    const stepRun = await db.stepRun.create({
      data: {
        runId: run.id,
        ...snapshotOf(await db.step.findUniqueOrThrow({ where: { id: stepId } }), 0),
        status: 'SUCCEEDED',
      },
    })
    const stakeholder = await makeUser('STAKEHOLDER')
    expect((await getRun(stakeholder, run.id)).coveredBy).toBeNull()

    const takenAt = new Date('2026-11-21T10:00:00Z')
    const backup = await verified(planId, takenAt, { stepRunId: stepRun.id, tables: ['accounts'] })
    const seen = await getRun(dba, run.id)
    expect(seen.steps[0]?.backup).toMatchObject({
      id: backup.id,
      connectionName: 'ledger',
      tables: ['accounts'],
      sizeBytes: 5 * 1024 ** 3,
      sha256: SHA,
      toolVersion: 'pg_dump (PostgreSQL) 15.14',
      serverVersion: 'PostgreSQL 15.18',
      fileName: backup.fileName,
    })
    expect(seen.coveredBy).toEqual({ connectionName: 'ledger', takenAt: takenAt.toISOString(), required: false })
    const read = await getRun(stakeholder, run.id)
    expect(read.steps[0]?.backup).toMatchObject({ id: backup.id, fileName: null, status: 'VERIFIED' })
    expect(JSON.stringify(read)).not.toContain('.dump')

    await db.backup.update({
      where: { id: backup.id },
      data: { status: 'FAILED', error: 'pg_restore: error: could not read input file' },
    })
    expect((await getRun(dba, run.id)).coveredBy).toBeNull()
  })
})
