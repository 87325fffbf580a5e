import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddManualStep, ZAddPhase, ZAddSqlStep, ZCreatePlan, ZEditSqlStep } from '@/lib/server/plans/schemas'
import {
  addManualStep,
  addSqlStep,
  editSqlStep,
  overrideLint,
  removeStep,
  setStepReady,
} from '@/lib/server/plans/step-commands'
import { cancelRun, startRun as startAnyRun } from '@/lib/server/runs/commands'
import { releaseGate } from '@/lib/server/runs/resolve'
import { approveWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { executeRun } from './runs'
import { ownRuns } from '@/lib/testing/own-runs'

// This file's runs only: other files' runs in the shared database are theirs to claim.
const own = ownRuns()
const startRun = async (...args: Parameters<typeof startAnyRun>) => own.track(await startAnyRun(...args))

// A run executes exactly what was started: the steps' text and configuration are fixed when it is queued,
// edits of a phase with a run under way are refused, and a lint acceptance or a window's approval holds
// only for the scripts it was given for.

async function protectedPlan(steps: { gate?: true; name: string; body?: string; rollbackBody?: string }[]) {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const targetUrl = await createFreshDatabase('content_target', { migrate: false })
  const name = `prod-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: true })
  // The test's target lives on the test server, which is also Lockstep's own: an admin allows that.
  const { id: connectionId } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'target',
      role: 'TARGET',
      url: `${targetUrl}?sslmode=disable`,
    }),
  )
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Content ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cutover' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  for (const s of steps) {
    if (s.gate) await addManualStep(lead, ZAddManualStep.parse({ phaseId, name: s.name, requireChecklist: '' }))
    else
      await addSqlStep(
        lead,
        ZAddSqlStep.parse({ phaseId, name: s.name, body: s.body, rollbackBody: s.rollbackBody ?? '' }),
      )
  }
  const { id: windowId } = await requestWindow(
    lead,
    ZRequestWindow.parse({
      environmentId,
      planId,
      phaseId,
      reason: 'cutover',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  )
  const approve = () => approveWindow(dba, { windowId, note: '', confirm: name })
  await approve()
  const target = (sql: string) => queryDatabase(targetUrl, sql)
  const stepNamed = (stepName: string) => db.step.findFirstOrThrow({ where: { phaseId, name: stepName } })
  return { dba, lead, environmentId, planId, phaseId, windowId, approve, target, stepNamed }
}

async function work() {
  const runId = await own.claim(`content-worker-${randomUUID().slice(0, 8)}`)
  if (!runId) throw new Error('nothing to claim')
  return executeRun(runId)
}

describe('a run executes exactly what was started', () => {
  it('refuses every change to the steps of a phase whose run waits at a gate, and runs the queued script even if the step row changes', async () => {
    const { dba, lead, environmentId, planId, phaseId, target, stepNamed } = await protectedPlan([
      { gate: true, name: 'Go/no-go' },
      { name: 'Create audit', body: 'CREATE TABLE reviewed (id int);', rollbackBody: 'DROP TABLE reviewed;' },
    ])
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    expect(await work()).toBe('WAITING')
    const sql = await stepNamed('Create audit')
    const refused = {
      code: 'CONFLICT',
      message: expect.stringContaining('is waiting; its steps cannot change until it ends'),
    }
    await expect(
      editSqlStep(
        lead,
        ZEditSqlStep.parse({
          stepId: sql.id,
          name: 'Create audit',
          body: 'CREATE TABLE unreviewed (id int);\nDROP TABLE reviewed;',
          rollbackBody: 'DROP TABLE reviewed;',
        }),
      ),
    ).rejects.toMatchObject(refused)
    await expect(
      editSqlStep(
        lead,
        ZEditSqlStep.parse({
          stepId: sql.id,
          name: 'Create audit',
          body: sql.body,
          rollbackBody: 'DROP SCHEMA public CASCADE;',
        }),
      ),
    ).rejects.toMatchObject(refused)
    await expect(
      addSqlStep(lead, ZAddSqlStep.parse({ phaseId, name: 'Extra', body: 'DROP TABLE reviewed;' })),
    ).rejects.toMatchObject(refused)
    await expect(removeStep(lead, { stepId: sql.id })).rejects.toMatchObject(refused)
    await expect(setStepReady(lead, { stepId: sql.id, ready: false })).rejects.toMatchObject(refused)
    expect(await db.step.findUniqueOrThrow({ where: { id: sql.id } })).toMatchObject({
      body: 'CREATE TABLE reviewed (id int);',
      rollbackBody: 'DROP TABLE reviewed;',
      isDraft: false,
    })
    // Even a change that goes around the commands does not reach the run: it executes what it was queued with.
    await db.step.update({ where: { id: sql.id }, data: { body: 'CREATE TABLE unreviewed (id int);' } })
    await releaseGate(dba, id)
    expect(await work()).toBe('SUCCEEDED')
    expect(
      await target("SELECT to_regclass('reviewed')::text AS reviewed, to_regclass('unreviewed')::text AS unreviewed"),
    ).toEqual([{ reviewed: 'reviewed', unreviewed: null }])
    const stepRun = await db.stepRun.findFirstOrThrow({ where: { runId: id, stepId: sql.id } })
    expect(stepRun).toMatchObject({
      body: 'CREATE TABLE reviewed (id int);',
      rollbackBody: 'DROP TABLE reviewed;',
      name: 'Create audit',
      kind: 'SQL',
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
  })

  it('fails a step whose queued content no longer matches its checksum, running nothing of it', async () => {
    const { dba, environmentId, planId, phaseId, target } = await protectedPlan([
      { name: 'Create', body: 'CREATE TABLE kept (id int);', rollbackBody: 'DROP TABLE kept;' },
    ])
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    await db.stepRun.updateMany({ where: { runId: id }, data: { body: 'CREATE TABLE forged (id int);' } })
    expect(await work()).toBe('FAILED')
    expect((await db.run.findUniqueOrThrow({ where: { id } })).error).toContain(
      'no longer matches the checksum it was queued with',
    )
    expect(await target("SELECT to_regclass('forged')::text AS forged")).toEqual([{ forged: null }])
  })

  it('a lint acceptance belongs to the script and its rollback script: changing only the rollback voids it', async () => {
    const { dba, lead, environmentId, planId, phaseId, approve, stepNamed } = await protectedPlan([
      { name: 'Plain index', body: 'CREATE INDEX t_id ON t (id);', rollbackBody: 'DROP INDEX t_id;' },
    ])
    const step = await stepNamed('Plain index')
    await overrideLint(dba, { stepId: step.id, reason: 'The table has 40 rows; the lock lasts milliseconds.' })
    await editSqlStep(
      lead,
      ZEditSqlStep.parse({ stepId: step.id, name: 'Plain index', body: step.body, rollbackBody: 'DROP TABLE t;' }),
    )
    expect(await db.step.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({
      lintOverrideReason: null,
      lintOverrideChecksum: null,
    })
    await approve() // the edit sent the window back for approval; approved again, the lint gate still holds
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('1 error-level lint finding'),
    })
    // An acceptance recorded for other scripts does not count either.
    await db.step.update({
      where: { id: step.id },
      data: { lintOverrideReason: 'stale', lintOverrideChecksum: 'f'.repeat(64) },
    })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: false })).rejects.toMatchObject({
      message: expect.stringContaining('1 error-level lint finding'),
    })
    await overrideLint(dba, { stepId: step.id, reason: 'Reviewed with the new rollback.' })
    const { id } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
    // Not left queued for another test file's worker to claim.
    await cancelRun(dba, id)
  })

  it('a dry run on a protected environment passes the same gates as a real one: second factor and lint', async () => {
    const { dba, environmentId, planId, phaseId, stepNamed } = await protectedPlan([
      { name: 'Plain index', body: 'CREATE INDEX t_id ON t (id);', rollbackBody: 'DROP INDEX t_id;' },
    ])
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: true })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('error-level lint finding'),
    })
    await overrideLint(dba, { stepId: (await stepNamed('Plain index')).id, reason: 'Small table.' })
    await db.user.update({ where: { id: dba.id }, data: { secondFactorAt: new Date(Date.now() - 60 * 60_000) } })
    await expect(startRun(dba, { planId, phaseId, environmentId, dryRun: true })).rejects.toMatchObject({
      code: 'REAUTHENTICATE',
      message: expect.stringContaining('start a dry run on'),
    })
    expect(await db.run.count({ where: { phaseId } })).toBe(0)
  })
})
