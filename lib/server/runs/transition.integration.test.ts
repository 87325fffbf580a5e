import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { shortId } from '@/lib/domain/short-id'
import { executeRun } from '@/lib/engine/runs'
import { createEnvironment } from '@/lib/server/connections/commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddManualStep, ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addManualStep } from '@/lib/server/plans/step-commands'
import { StateConflict } from '@/lib/server/transition'
import { makeUser } from '@/lib/testing/factories'
import { cancelRun } from './commands'
import { snapshotOf } from './content'
import { transitionRun } from './transition'

// A run changes state only from where its writer expects it: a run somewhere else is an error naming where
// it is, never overwritten – whether two writers race or a stopped worker carries on with a run taken from it.

async function setup() {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const name = `env-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: false })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Transitions ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Gate' }))
  await addManualStep(lead, ZAddManualStep.parse({ phaseId, name: 'Sign-off' }))
  const steps = await db.step.findMany({ where: { phaseId, removedAt: null }, orderBy: { position: 'asc' } })
  /** A run held by `workerId` in `status`, as a claim leaves it (never queued: the suite's workers would take it). */
  const run = (status: RunStatus, workerId: string | null = 'test-worker') =>
    db.run.create({
      data: {
        planId,
        phaseId,
        environmentId,
        requestedById: lead.id,
        status,
        workerId,
        startedAt: new Date(),
        steps: { create: steps.map((s, i) => ({ ...snapshotOf(s, i), status: 'PENDING' as const })) },
      },
    })
  return { lead, run }
}

describe('transitionRun', () => {
  it('refuses a move the table does not allow, and names the state of a run that is not where it was expected', async () => {
    const { run } = await setup()
    const done = await run('SUCCEEDED', null)
    await expect(transitionRun(db, done.id, 'SUCCEEDED', 'RUNNING')).rejects.toThrow(
      'A run cannot move from SUCCEEDED to RUNNING.',
    )
    const wrong = transitionRun(db, done.id, 'QUEUED', 'RUNNING')
    await expect(wrong).rejects.toBeInstanceOf(StateConflict)
    await expect(wrong).rejects.toThrow(`Run ${shortId(done.id)} is succeeded, not queued.`)
    await expect(transitionRun(db, done.id, ['RUNNING', 'INTERRUPTED'], 'CANCELLED')).rejects.toThrow(
      `Run ${shortId(done.id)} is succeeded, not running or interrupted.`,
    )
    expect((await db.run.findUniqueOrThrow({ where: { id: done.id } })).status).toBe('SUCCEEDED')
  })

  it('lets exactly one of a finish and a cancel fired together win; the other hears the state it lost to', async () => {
    const { run } = await setup()
    for (let round = 0; round < 5; round++) {
      const running = await run('RUNNING')
      const [finished, cancelled] = await Promise.allSettled([
        transitionRun(db, running.id, 'RUNNING', 'SUCCEEDED', { workerId: null }),
        transitionRun(db, running.id, 'RUNNING', 'CANCELLED', { workerId: null }),
      ])
      const status = (await db.run.findUniqueOrThrow({ where: { id: running.id } })).status
      expect([finished.status, cancelled.status].sort()).toEqual(['fulfilled', 'rejected'])
      const lost = finished.status === 'rejected' ? finished : cancelled
      expect(status).toBe(finished.status === 'fulfilled' ? 'SUCCEEDED' : 'CANCELLED')
      expect(lost.status === 'rejected' && String(lost.reason)).toContain(`is ${status.toLowerCase()}, not running`)
    }
  })
})

describe('a worker that lost its run', () => {
  it('writes nothing more of a run interrupted and cancelled while it stalled, and says whose state it is', async () => {
    const { lead, run } = await setup()
    const stalled = await run('RUNNING', 'stalled-worker')
    // What another worker's sweep and then the requester do while this worker's heartbeat is late.
    await db.$executeRaw`UPDATE "Run" SET "status" = 'INTERRUPTED', "workerId" = NULL WHERE "id" = ${stalled.id}::uuid`
    await cancelRun(lead, stalled.id)

    await expect(executeRun(stalled.id)).rejects.toThrow(`Run ${shortId(stalled.id)} is cancelled, not running.`)
    const after = await db.run.findUniqueOrThrow({ where: { id: stalled.id }, include: { steps: true } })
    expect(after.status).toBe('CANCELLED')
    expect(after.steps.map((s) => s.status)).toEqual(['CANCELLED'])
  })
})
