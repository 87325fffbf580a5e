import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { SYSTEM_ACTOR } from '@/lib/server/actor'
import { createEnvironment } from '@/lib/server/connections/commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { addSqlStep, editSqlStep } from '@/lib/server/plans/step-commands'
import { ZAddPhase, ZAddSqlStep, ZEditSqlStep } from '@/lib/server/plans/schemas'
import { approveWindow, cancelWindow, expireWindows, rejectWindow, requestWindow, runPermission } from './commands'
import { ZRequestWindow } from './schemas'

const HOUR = 3_600_000
const at = (hours: number) => new Date(Date.now() + hours * HOUR)

async function setup(isProtected = true) {
  const admin = await makeUser('ADMIN')
  const lead = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const name = `prod-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(admin, { name, description: '', protected: isProtected })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Windows ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cutover' }))
  const { id: stepId } = await addSqlStep(
    lead,
    ZAddSqlStep.parse({
      phaseId,
      name: 'Add column',
      body: 'ALTER TABLE t ADD COLUMN c int;',
      rollbackBody: 'ALTER TABLE t DROP COLUMN c;',
    }),
  )
  const request = (startHours: number, endHours: number, who = lead) =>
    requestWindow(
      who,
      ZRequestWindow.parse({
        environmentId,
        planId,
        startsAt: at(startHours).toISOString(),
        endsAt: at(endHours).toISOString(),
        reason: 'Cutover',
      }),
    )
  return { admin, lead, dba, name, environmentId, planId, phaseId, stepId, request }
}

describe('maintenance windows', () => {
  it('a DBA approves a lead’s request with the typed environment name; every step is audited', async () => {
    const { lead, dba, name, request } = await setup()
    const { id } = await request(2, 4)
    await expect(approveWindow(dba, { windowId: id, note: '', confirm: 'wrong' })).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { confirm: [`Type “${name}” to approve a window on a protected environment.`] },
    })
    await approveWindow(dba, { windowId: id, note: 'Go ahead', confirm: name })
    expect(await db.maintenanceWindow.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'APPROVED',
      decidedById: dba.id,
      decisionNote: 'Go ahead',
      requestedById: lead.id,
    })
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual(['window.request', 'window.approve'])
  })

  it('never lets the requester decide on their own window, nor a lead approve', async () => {
    const { dba, lead, name, request } = await setup()
    const own = await request(2, 3, dba)
    await expect(approveWindow(dba, { windowId: own.id, note: '', confirm: name })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'You requested this window; another DBA must decide on it.',
    })
    await expect(rejectWindow(dba, { windowId: own.id, note: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const theirs = await request(5, 6)
    await expect(approveWindow(lead, { windowId: theirs.id, note: '', confirm: name })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(
      (await db.maintenanceWindow.findMany({ where: { id: { in: [own.id, theirs.id] } } })).map((w) => w.status),
    ).toEqual(['REQUESTED', 'REQUESTED'])
  })

  it('lets exactly one of two concurrent approvals of overlapping windows pass', async () => {
    const { name, request } = await setup()
    const first = await request(2, 5)
    const second = await request(4, 7)
    const [dbaA, dbaB] = [await makeUser('DBA'), await makeUser('DBA')]
    const results = await Promise.allSettled([
      approveWindow(dbaA, { windowId: first.id, note: '', confirm: name }),
      approveWindow(dbaB, { windowId: second.id, note: '', confirm: name }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refusal = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refusal.reason).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('overlaps an approved window'),
    })
    expect(await db.maintenanceWindow.count({ where: { id: { in: [first.id, second.id] }, status: 'APPROVED' } })).toBe(
      1,
    )
  })

  it('refuses to approve an expired window, and the sweep expires what has passed', async () => {
    const { dba, name, request, environmentId } = await setup()
    const { id } = await request(1, 2)
    const later = at(3)
    await expect(approveWindow(dba, { windowId: id, note: '', confirm: name }, later)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('expired'),
    })
    expect(await expireWindows(SYSTEM_ACTOR, later)).toBeGreaterThanOrEqual(1)
    expect((await db.maintenanceWindow.findUniqueOrThrow({ where: { id } })).status).toBe('EXPIRED')
    expect((await auditEventsFor(id)).map((e) => [e.action, e.actorLabel])).toContainEqual(['window.expire', 'system'])
    expect(await db.maintenanceWindow.count({ where: { environmentId, status: 'REQUESTED' } })).toBe(0)
  })

  it('rejects with a note, and the requester can cancel an approved window', async () => {
    const { dba, lead, name, request } = await setup()
    const a = await request(2, 3)
    await expect(rejectWindow(dba, { windowId: a.id, note: ' ' })).rejects.toMatchObject({
      code: 'INVALID',
      fieldErrors: { note: ['Say why it is rejected.'] },
    })
    await rejectWindow(dba, { windowId: a.id, note: 'Clashes with the billing run' })
    const b = await request(5, 6)
    await approveWindow(dba, { windowId: b.id, note: '', confirm: name })
    await cancelWindow(lead, b.id)
    const other = await makeUser('LEAD')
    const c = await request(8, 9)
    await expect(cancelWindow(other, c.id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(
      (
        await db.maintenanceWindow.findMany({ where: { id: { in: [a.id, b.id, c.id] } }, orderBy: { startsAt: 'asc' } })
      ).map((w) => w.status),
    ).toEqual(['REJECTED', 'CANCELLED', 'REQUESTED'])
  })

  it('validates times: end after start, latest start inside, at most 72 hours, in the future', async () => {
    const { environmentId, planId, lead } = await setup()
    const parse = (fields: Record<string, string>) =>
      ZRequestWindow.safeParse({ environmentId, planId, reason: 'x', ...fields })
    expect(parse({ startsAt: at(2).toISOString(), endsAt: at(1).toISOString() }).error?.issues[0]?.message).toBe(
      'The end must be after the start.',
    )
    expect(parse({ startsAt: at(1).toISOString(), endsAt: at(100).toISOString() }).error?.issues[0]?.message).toBe(
      'A window lasts at most 72 hours.',
    )
    expect(
      parse({ startsAt: at(1).toISOString(), endsAt: at(2).toISOString(), latestStartAt: at(3).toISOString() }).error
        ?.issues[0]?.message,
    ).toBe('The latest start must lie within the window.')
    expect(parse({ startsAt: 'soon', endsAt: at(2).toISOString() }).success).toBe(false)
    await expect(
      requestWindow(
        lead,
        ZRequestWindow.parse({
          environmentId,
          planId,
          reason: 'x',
          startsAt: at(-3).toISOString(),
          endsAt: at(-2).toISOString(),
        }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID' })
  })
})

describe('the run rule', () => {
  it('needs no window on an unprotected environment', async () => {
    const { environmentId, phaseId } = await setup(false)
    expect(await runPermission(phaseId, environmentId)).toEqual({ allowed: true, windowId: null })
  })

  it('allows a protected run only inside an approved, active window and before its latest start', async () => {
    const { dba, name, environmentId, planId, phaseId, lead } = await setup()
    expect(await runPermission(phaseId, environmentId)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('is protected'),
    })
    const { id } = await requestWindow(
      lead,
      ZRequestWindow.parse({
        environmentId,
        planId,
        reason: 'x',
        startsAt: at(0.5).toISOString(),
        endsAt: at(4).toISOString(),
        latestStartAt: at(2).toISOString(),
      }),
    )
    expect(await runPermission(phaseId, environmentId, at(1))).toMatchObject({ allowed: false }) // requested, not approved
    await approveWindow(dba, { windowId: id, note: '', confirm: name })
    expect(await runPermission(phaseId, environmentId)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('the next one opens'),
    })
    expect(await runPermission(phaseId, environmentId, at(1))).toEqual({ allowed: true, windowId: id })
    expect(await runPermission(phaseId, environmentId, at(3))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('allows no new runs after'),
    })
    expect(await runPermission(phaseId, environmentId, at(5))).toMatchObject({ allowed: false })
  })

  it('authorizes only the plan, and the phase when named, it was requested for', async () => {
    const { dba, lead, name, environmentId, planId, phaseId } = await setup()
    const { id: otherPhaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Verify' }))
    const { id: otherPlanId } = await createPlan(lead, ZCreatePlan.parse({ title: `Other ${name}` }))
    const { id: otherPlanPhaseId } = await addPhase(lead, ZAddPhase.parse({ planId: otherPlanId, name: 'Verify' }))
    const { id } = await requestWindow(
      lead,
      ZRequestWindow.parse({
        environmentId,
        planId,
        phaseId,
        reason: 'x',
        startsAt: at(-0.5).toISOString(),
        endsAt: at(2).toISOString(),
      }),
    )
    await approveWindow(dba, { windowId: id, note: '', confirm: name })
    expect(await runPermission(phaseId, environmentId)).toEqual({ allowed: true, windowId: id })
    expect(await runPermission(otherPhaseId, environmentId)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining(
        `is for the phase “Cutover” of “Windows ${name}”; it does not authorize “Verify”`,
      ),
    })
    expect(await runPermission(otherPlanPhaseId, environmentId)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('it does not authorize “Verify”'),
    })
  })

  it('is approved for the steps as they were: a change sends the window back for approval, audited and told', async () => {
    const { dba, lead, name, environmentId, planId, phaseId, stepId } = await setup()
    const { id } = await requestWindow(
      lead,
      ZRequestWindow.parse({
        environmentId,
        planId,
        reason: 'x',
        startsAt: at(-0.5).toISOString(),
        endsAt: at(2).toISOString(),
      }),
    )
    await approveWindow(dba, { windowId: id, note: '', confirm: name })
    expect(await runPermission(phaseId, environmentId)).toEqual({ allowed: true, windowId: id })
    // Only the rollback script changes: that, too, is not what was approved.
    await editSqlStep(
      lead,
      ZEditSqlStep.parse({
        stepId,
        name: 'Add column',
        body: 'ALTER TABLE t ADD COLUMN c int;',
        rollbackBody: 'DROP TABLE t;',
      }),
    )
    expect(await db.maintenanceWindow.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'REQUESTED',
      decidedById: null,
      approvedContent: null,
    })
    expect(await runPermission(phaseId, environmentId)).toMatchObject({ allowed: false })
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual([
      'window.request',
      'window.approve',
      'window.reopen',
    ])
    expect(
      await db.notification.count({ where: { userId: dba.id, title: { contains: 'awaits your approval again' } } }),
    ).toBe(1)
    await approveWindow(dba, { windowId: id, note: 'Seen the new rollback', confirm: name })
    expect(await runPermission(phaseId, environmentId)).toEqual({ allowed: true, windowId: id })
  })

  it('refuses a run whose steps are not the ones the window was approved for', async () => {
    const { dba, lead, name, environmentId, planId, phaseId, stepId } = await setup()
    const { id } = await requestWindow(
      lead,
      ZRequestWindow.parse({
        environmentId,
        planId,
        phaseId,
        reason: 'x',
        startsAt: at(-0.5).toISOString(),
        endsAt: at(2).toISOString(),
      }),
    )
    await approveWindow(dba, { windowId: id, note: '', confirm: name })
    // A change that went around the commands (the worker's check must not trust that windows were reopened).
    await db.step.update({ where: { id: stepId }, data: { body: 'DROP TABLE t;' } })
    expect(await runPermission(phaseId, environmentId)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('are not the ones the maintenance window'),
    })
  })
})
