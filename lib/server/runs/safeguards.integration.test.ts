import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { takeBackup } from '@/lib/engine/backup/artifacts'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import { executeRun } from '@/lib/engine/runs'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { setEnvironmentSafeguards } from '@/lib/server/connections/safeguards'
import { ZEnvironmentSafeguards, ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddBackupStep, ZAddPhase, ZAddSqlStep, ZCreatePlan, ZEditSqlStep } from '@/lib/server/plans/schemas'
import { addBackupStep, addSqlStep, editSqlStep } from '@/lib/server/plans/step-commands'
import { rehearsedStepsOf } from '@/lib/server/rehearsals/steps'
import { approveWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { cancelRun, startRun } from './commands'
import { getRun } from './queries'

beforeAll(async () => {
  exportEnv({ LOCKSTEP_BACKUP_DIR: await mkdtemp(join(tmpdir(), 'lockstep-safeguard-backups-')) })
})

const DELETE = 'DELETE FROM t WHERE id > 50;'

/** A protected environment, its target holding t(id) 1..100, a plan, and a window to approve once its steps are written. */
async function setup() {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const targetUrl = `${await createFreshDatabase('guard_target', { migrate: false })}?sslmode=disable`
  const query = (sql: string) => queryDatabase(targetUrl, sql)
  await query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)')
  const name = `prod-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: true })
  const { id: connectionId } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'orders',
      role: 'TARGET',
      url: targetUrl,
    }),
  )
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Guarded ${name}` }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  const window = await requestWindow(
    lead,
    ZRequestWindow.parse({
      environmentId,
      planId,
      reason: 'cleanup',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  )
  // An approval is for the steps as they are: approved (again) after they are written.
  const approve = () => approveWindow(dba, { windowId: window.id, note: '', confirm: name })
  const phase = async (phaseName: string) => (await addPhase(lead, ZAddPhase.parse({ planId, name: phaseName }))).id
  const backup = async () => {
    const outcome = await takeBackup({
      connectionId,
      name: 'orders',
      engine: 'POSTGRES',
      target: postgresTargetFromUrl(targetUrl),
    })
    if (!outcome.ok) throw new Error(outcome.error)
    return outcome.id
  }
  const count = async () => (await query('SELECT count(*)::int AS n FROM t'))[0]?.n as number
  return { dba, lead, name, environmentId, planId, phase, approve, backup, count }
}

/** Executed here rather than by a worker of another test file. */
async function work(runId: string) {
  await db.run.update({ where: { id: runId }, data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() } })
  return executeRun(runId)
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal')
    },
    (e: { code?: string; message: string }) => e,
  )

/** What a rehearsal the worker finished would have stored, for the phase's current scripts. */
async function rehearsed(
  planId: string,
  phaseId: string,
  environmentId: string,
  requestedById: string,
  status: 'IDENTICAL' | 'DIFFERENT',
) {
  const steps = await rehearsedStepsOf(db, phaseId)
  return db.rollbackRehearsal.create({
    data: {
      planId,
      phaseId,
      environmentId,
      requestedById,
      status,
      checksum: rehearsalChecksum(steps),
      stepNames: steps.map((s) => s.name),
      finishedAt: new Date(),
    },
  })
}

describe('run safeguards on a protected environment', () => {
  it('a required rehearsal: refused until one of exactly these scripts came back identical, for dry runs too; a rehearsal gone before the step runs stops the run', async () => {
    const { dba, lead, environmentId, planId, phase, approve, count } = await setup()
    const phaseId = await phase('Cleanup')
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({ phaseId, name: 'Delete old rows', body: DELETE, rollbackBody: 'SELECT 1;' }),
    )
    await approve()
    const staging = (
      await createEnvironment(dba, { name: `staging-${randomUUID().slice(0, 8)}`, description: '', protected: false })
    ).id

    expect(
      (
        await refusal(
          setEnvironmentSafeguards(
            lead,
            ZEnvironmentSafeguards.parse({ environmentId, requireRehearsal: 'on', requireBackupHours: '' }),
          ),
        )
      ).code,
    ).toBe('FORBIDDEN')
    await setEnvironmentSafeguards(
      dba,
      ZEnvironmentSafeguards.parse({ environmentId, requireRehearsal: 'on', requireBackupHours: '' }),
    )
    expect(await auditEventsFor(environmentId)).toContainEqual(
      expect.objectContaining({
        action: 'environment.safeguards',
        after: { requireRehearsal: true, requireBackupHours: null },
      }),
    )

    const start = () => startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    expect((await refusal(start())).message).toMatch(
      /requires a rollback rehearsal of “Cleanup”.*and it has never been rehearsed/,
    )
    await rehearsed(planId, phaseId, staging, lead.id, 'DIFFERENT')
    expect((await refusal(start())).message).toContain('and the rehearsal of these scripts found differences')
    // A dry run executes the scripts too: the same rule.
    expect((await refusal(startRun(dba, { planId, phaseId, environmentId, dryRun: true }))).message).toContain(
      'and the rehearsal of these scripts found differences',
    )

    const identical = await rehearsed(planId, phaseId, staging, lead.id, 'IDENTICAL')
    const { id: runId } = await start()
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).rehearsalId).toBe(identical.id)

    // The script cannot change while the run waits for a worker; the rehearsal that covered it is gone when the worker comes: the engine refuses to start the step.
    const step = await db.step.findFirstOrThrow({ where: { phaseId } })
    const edit = () =>
      editSqlStep(
        lead,
        ZEditSqlStep.parse({
          stepId: step.id,
          name: 'Delete old rows',
          body: 'DELETE FROM t WHERE id > 10;',
          rollbackBody: 'SELECT 1;',
        }),
      )
    expect((await refusal(edit())).message).toContain('is queued; its steps cannot change until it ends')
    await db.rollbackRehearsal.delete({ where: { id: identical.id } })
    expect(await work(runId)).toBe('FAILED')
    const run = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } })
    expect(run.error).toMatch(
      /^Step “Delete old rows” was not started: .*the rehearsal of these scripts found differences/,
    )
    expect(run.steps.map((s) => s.status)).toEqual(['FAILED'])
    expect(await count()).toBe(100)
    // Once the run has ended the script can change, and the rehearsal no longer fits it.
    await cancelRun(dba, runId).catch(() => undefined)
    await edit()
    await approve()
    expect((await refusal(start())).message).toContain('a script changed since its last rehearsal')
  })

  it('a required backup: refused without a recent verified one before the first step that can lose data; the run records the backup that covers it', async () => {
    const { dba, lead, environmentId, planId, phase, approve, backup, count } = await setup()
    const phaseId = await phase('Cleanup')
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId,
        name: 'Add a note column',
        body: 'ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;',
      }),
    )
    await addSqlStep(lead, ZAddSqlStep.parse({ phaseId, name: 'Delete old rows', body: `SELECT 1;\n${DELETE}` }))
    await approve()
    expect(
      ZEnvironmentSafeguards.safeParse({
        environmentId,
        requireRehearsal: '',
        requireBackupHours: '0',
      }).error?.issues.map((i) => i.message),
    ).toEqual(['Use at least 1 hour.'])
    await setEnvironmentSafeguards(
      dba,
      ZEnvironmentSafeguards.parse({ environmentId, requireRehearsal: '', requireBackupHours: '2' }),
    )
    const start = () => startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    expect((await refusal(start())).message).toBe(
      `“${(await db.environment.findUniqueOrThrow({ where: { id: environmentId } })).name}” requires a verified backup of orders younger than 2 h before the first step that can lose data (“Delete old rows”, line 2: ${DELETE.slice(0, -1)}), and there is none. Add a backup step before it, or run the phase that backs orders up first.`,
    )

    // A backup three hours old is too old; a fresh one covers the run, and the run says which.
    const old = await backup()
    await db.backup.update({ where: { id: old }, data: { createdAt: new Date(Date.now() - 3 * 3_600_000) } })
    await expect(start()).rejects.toMatchObject({ code: 'CONFLICT' })
    const fresh = await backup()
    const { id: covered } = await start()
    expect(await work(covered)).toBe('SUCCEEDED')
    expect(await count()).toBe(50)
    expect((await db.run.findUniqueOrThrow({ where: { id: covered } })).coveringBackupId).toBe(fresh)
    const view = await getRun(await makeUser('STAKEHOLDER'), covered)
    expect(view.coveredBy).toMatchObject({ connectionName: 'orders', required: true })
    expect((await db.runEvent.findMany({ where: { runId: covered } })).map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^Covered by the verified backup of orders taken .* UTC, as “prod-.*” requires before the first step that can lose data\.$/,
      ),
    )

    // The backup ages past the limit while the next run waits: its first step runs, the deleting one does not.
    const { id: late } = await start()
    await db.backup.updateMany({
      where: { id: { in: [fresh] } },
      data: { createdAt: new Date(Date.now() - 3 * 3_600_000) },
    })
    expect(await work(late)).toBe('FAILED')
    const failed = await db.run.findUniqueOrThrow({
      where: { id: late },
      include: { steps: { orderBy: { position: 'asc' } } },
    })
    expect(failed.steps.map((s) => s.status)).toEqual(['SUCCEEDED', 'FAILED'])
    expect(failed.error).toContain('was not started: “')
    expect(failed.coveringBackupId).toBeNull()

    // A backup step of the target before the first loss: the run starts, and the step's own backup covers it.
    const backedUp = await phase('Backed-up cleanup')
    await addBackupStep(
      lead,
      ZAddBackupStep.parse({ phaseId: backedUp, name: 'Back up orders', of: 'target', tables: '' }),
    )
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({ phaseId: backedUp, name: 'Delete more rows', body: 'DELETE FROM t WHERE id > 25;' }),
    )
    await approve()
    const { id: own } = await startRun(dba, { planId, phaseId: backedUp, environmentId, dryRun: false })
    expect(await work(own)).toBe('SUCCEEDED')
    const ownBackup = await db.backup.findFirstOrThrow({ where: { stepRun: { runId: own } } })
    expect((await db.run.findUniqueOrThrow({ where: { id: own } })).coveringBackupId).toBe(ownBackup.id)
    expect(await count()).toBe(25)
  })
})
