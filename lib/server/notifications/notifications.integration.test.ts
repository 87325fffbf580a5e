import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { RunStatus, StepRunStatus } from '@/lib/generated/prisma/enums'
import { executeRollback, executeRun } from '@/lib/engine/runs'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { approveWindow, cancelWindow, rejectWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import type { UserActor } from '@/lib/server/actor'
import { makeUser } from '@/lib/testing/factories'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { markAllNotificationsRead, markNotificationRead } from './commands'
import { notify } from './notify'
import { listNotifications, unreadCount } from './queries'
import { snapshotOf } from '@/lib/server/runs/content'

const HOUR = 3_600_000
const at = (hours: number) => new Date(Date.now() + hours * HOUR)

const noticesOf = (user: UserActor) =>
  db.notification.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } })

async function windowSetup() {
  const admin = await makeUser('ADMIN')
  const lead = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const stakeholder = await makeUser('STAKEHOLDER')
  const retired = await makeUser('DBA', { isActive: false })
  const name = `production-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(admin, { name, description: '', protected: false })
  const title = `Notices ${name}`
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title }))
  const request = (who: UserActor = lead) =>
    requestWindow(
      who,
      ZRequestWindow.parse({
        environmentId,
        planId,
        startsAt: at(2).toISOString(),
        endsAt: at(4).toISOString(),
        reason: 'Cutover of the orders table',
      }),
    )
  return { admin, lead, dba, stakeholder, retired, name, title, planId, request }
}

// Runs are written as a worker holds them (claimed, with a live heartbeat), so no other test's worker
// loop claims or interrupts them while this file executes them.
const WORKER = `notifications-test-${randomUUID().slice(0, 8)}`
async function heldRun(input: {
  planId: string
  phaseId: string
  environmentId: string
  requestedById: string
  stepId: string
  dryRun?: boolean
  status?: RunStatus
  stepStatus?: StepRunStatus
}) {
  await db.workerHeartbeat.upsert({
    where: { id: WORKER },
    create: { id: WORKER, hostname: 'test', pid: process.pid, startedAt: new Date(), lastSeenAt: new Date() },
    update: { lastSeenAt: new Date() },
  })
  const run = await db.run.create({
    data: {
      planId: input.planId,
      phaseId: input.phaseId,
      environmentId: input.environmentId,
      requestedById: input.requestedById,
      dryRun: input.dryRun ?? false,
      status: input.status ?? 'RUNNING',
      workerId: WORKER,
      startedAt: new Date(),
      steps: {
        create: [
          {
            ...snapshotOf(await db.step.findUniqueOrThrow({ where: { id: input.stepId } }), 0),
            status: input.stepStatus ?? 'PENDING',
            statementsApplied: input.stepStatus === 'SUCCEEDED' ? 1 : 0,
          },
        ],
      },
    },
  })
  return run.id
}

async function runSetup(options: { target: boolean }) {
  const owner = await makeUser('LEAD')
  const requester = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const stakeholder = await makeUser('STAKEHOLDER')
  const name = `staging-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(dba, { name, description: '', protected: false })
  const { id: planId } = await createPlan(owner, ZCreatePlan.parse({ title: `Failing ${name}` }))
  const { id: phaseId } = await addPhase(owner, ZAddPhase.parse({ planId, name: 'Schema' }))
  if (options.target) {
    const url = await createFreshDatabase('notices_target', { migrate: false })
    const { id: connectionId } = await createConnection(
      await makeUser('ADMIN'),
      ZConnection.parse({
        environmentId,
        engine: 'POSTGRES',
        ownServer: 'allow',
        name: 'target',
        role: 'TARGET',
        url: `${url}?sslmode=disable`,
      }),
    )
    await setPlanEnvironment(owner, {
      planId,
      environmentId,
      sourceConnectionId: null,
      targetConnectionId: connectionId,
    })
  }
  const { id: stepId } = await addSqlStep(
    owner,
    ZAddSqlStep.parse({ phaseId, name: 'Bad', body: 'CREATE TABLE a (id int);\nSELECT 1 / 0;', rollbackBody: '' }),
  )
  const held = (extra: { dryRun?: boolean; status?: RunStatus; stepStatus?: StepRunStatus } = {}) =>
    heldRun({ planId, phaseId, environmentId, requestedById: requester.id, stepId, ...extra })
  return { owner, requester, dba, stakeholder, name, planId, held }
}

describe('notices of maintenance windows', () => {
  it('a request notifies every active DBA and admin, never the requester nor anyone else', async () => {
    const { admin, lead, dba, stakeholder, retired, name, title, planId, request } = await windowSetup()
    await request()
    for (const approver of [admin, dba]) {
      expect(await noticesOf(approver)).toMatchObject([
        {
          kind: 'WINDOW_AWAITING_APPROVAL',
          title: `Window on ${name} awaits your approval`,
          href: '/windows',
          planId,
          readAt: null,
          body: expect.stringContaining(`${title}: `),
        },
      ])
    }
    expect((await noticesOf(dba))[0]?.body).toContain('requested by Test LEAD. Cutover of the orders table')
    for (const nobody of [lead, stakeholder, retired]) expect(await noticesOf(nobody)).toEqual([])

    // A DBA's own request goes to the other approvers only.
    await request(dba)
    expect((await noticesOf(dba)).map((n) => n.kind)).toEqual(['WINDOW_AWAITING_APPROVAL'])
    expect((await noticesOf(admin)).map((n) => n.kind)).toEqual([
      'WINDOW_AWAITING_APPROVAL',
      'WINDOW_AWAITING_APPROVAL',
    ])
  })

  it('a decision notifies the requester, a rejection with its note; the decider gets nothing', async () => {
    const { lead, dba, name, request } = await windowSetup()
    const approved = await request()
    const before = (await noticesOf(dba)).length
    await approveWindow(dba, { windowId: approved.id, note: '', confirm: '' })
    const rejected = await request()
    await rejectWindow(dba, { windowId: rejected.id, note: 'Clashes with the billing run' })
    expect(await noticesOf(lead)).toMatchObject([
      {
        kind: 'WINDOW_APPROVED',
        title: `Your window on ${name} was approved`,
        href: '/windows',
        body: expect.stringMatching(/^Approved by Test DBA\. /),
      },
      {
        kind: 'WINDOW_REJECTED',
        title: `Your window on ${name} was rejected`,
        href: '/windows',
        body: expect.stringMatching(/^Rejected by Test DBA: “Clashes with the billing run”\. /),
      },
    ])
    expect((await noticesOf(dba)).length - before).toBe(1) // only the second request's notice, no decisions
  })

  it('once one DBA decides, no approver is still asked to: every notice of that window is resolved', async () => {
    const { admin, lead, dba, name, title, request } = await windowSetup()
    const otherDba = await makeUser('DBA')
    const noticeOf = async (user: UserActor, windowId: string) =>
      db.notification.findFirstOrThrow({
        where: { userId: user.id, kind: 'WINDOW_AWAITING_APPROVAL', body: { contains: title }, windowId },
      })
    const decisions: [string, (windowId: string) => Promise<unknown>][] = [
      ['approved by Test DBA', (windowId) => approveWindow(dba, { windowId, note: '', confirm: '' })],
      ['rejected by Test DBA', (windowId) => rejectWindow(dba, { windowId, note: 'Clashes with the billing run' })],
      ['cancelled by Test LEAD', (windowId) => cancelWindow(lead, windowId)],
    ]
    for (const [outcome, decide] of decisions) {
      const { id } = await request()
      const before = await unreadCount(admin)
      expect(await noticeOf(admin, id)).toMatchObject({
        title: `Window on ${name} awaits your approval`,
        readAt: null,
        resolvedAt: null,
      })
      await decide(id)
      for (const approver of [admin, dba, otherDba]) {
        const notice = await noticeOf(approver, id)
        expect(notice, `${outcome}: ${approver.role}`).toMatchObject({
          title: `Window on ${name} was ${outcome}`,
          readAt: expect.any(Date),
          resolvedAt: expect.any(Date),
        })
        expect(notice.body).toMatch(/^It no longer awaits your approval\. /)
      }
      expect(await unreadCount(admin)).toBe(before - 1)
      expect(
        (await listNotifications(admin, { limit: 100 })).filter(
          (n) => n.title.includes(name) && /awaits your approval/.test(n.title),
        ),
      ).toEqual([])
    }
  })

  it('a refused request leaves no notice', async () => {
    const { dba, planId, request } = await windowSetup()
    await db.plan.update({ where: { id: planId }, data: { status: 'ARCHIVED' } })
    await expect(request()).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await noticesOf(dba)).toEqual([])
  })
})

describe('notices of failed runs', () => {
  it('a failing step notifies the requester, the plan owner and the DBAs with the first line of the error', async () => {
    const { owner, requester, dba, stakeholder, name, held } = await runSetup({ target: true })
    const runId = await held()
    expect(await executeRun(runId)).toBe('FAILED')
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'FAILED',
      error: 'Step “Bad” failed: line 2: division by zero',
    })
    for (const told of [owner, requester, dba]) {
      expect(await noticesOf(told)).toMatchObject([
        {
          kind: 'RUN_FAILED',
          title: `Run of Schema on ${name} failed`,
          body: 'Step “Bad” failed: line 2: division by zero',
          href: `/runs/${runId}`,
          readAt: null,
        },
      ])
    }
    expect(await noticesOf(stakeholder)).toEqual([])
  })

  it('a dry run that fails says so, and so does a rollback that fails', async () => {
    const { owner, requester, name, held } = await runSetup({ target: false })
    const dryRunId = await held({ dryRun: true })
    expect(await executeRun(dryRunId)).toBe('FAILED')
    const rollbackId = await held({ status: 'ROLLING_BACK', stepStatus: 'SUCCEEDED' })
    expect(await executeRollback(rollbackId)).toBe('ROLLBACK_FAILED')
    expect(await db.run.findUniqueOrThrow({ where: { id: rollbackId } })).toMatchObject({ status: 'ROLLBACK_FAILED' })
    const expected = [
      {
        kind: 'RUN_FAILED',
        title: `Dry run of Schema on ${name} failed`,
        body: 'The plan has no PostgreSQL target connection on this environment.',
        href: `/runs/${dryRunId}`,
      },
      {
        kind: 'RUN_FAILED',
        title: `Rollback of the run of Schema on ${name} failed`,
        body: 'The plan has no PostgreSQL target connection on this environment.',
        href: `/runs/${rollbackId}`,
      },
    ]
    // The owner and the requester are told once each, whatever roles they also hold.
    expect(await noticesOf(owner)).toMatchObject(expected)
    expect(await noticesOf(requester)).toMatchObject(expected)
  })
})

describe('read state', () => {
  const leave = (user: UserActor, title: string) =>
    db.$transaction((tx) =>
      notify(tx, [user.id], { kind: 'PLAN_STATUS_CHANGED', title, body: 'Now at risk.', href: '/reports' }),
    )

  it('lists only one’s own notices, newest first, as DTOs with a read flag', async () => {
    const a = await makeUser('STAKEHOLDER')
    const b = await makeUser('LEAD')
    await leave(a, 'First')
    await leave(a, 'Second')
    await leave(b, 'Not yours')
    const items = await listNotifications(a, { limit: 20 })
    expect(items.map((n) => n.title)).toEqual(['Second', 'First'])
    expect(items[0]).toEqual({
      id: expect.any(String),
      kind: 'PLAN_STATUS_CHANGED',
      title: 'Second',
      body: 'Now at risk.',
      href: '/reports',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      read: false,
    })
    expect((await listNotifications(a, { limit: 1 })).map((n) => n.title)).toEqual(['Second'])
    expect(await unreadCount(a)).toBe(2)
  })

  it('is per person: another person cannot mark a notice read, and marking one’s own marks only it', async () => {
    const a = await makeUser('STAKEHOLDER')
    const b = await makeUser('DBA')
    await leave(a, 'For A')
    await leave(a, 'Also for A')
    await leave(b, 'For B')
    const [mine, other] = await listNotifications(a) // newest first: “Also for A”, then “For A”
    if (!mine || !other) throw new Error('notices missing')

    await expect(markNotificationRead(b, mine.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Notification not found.',
    })
    await expect(markNotificationRead(a, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(markNotificationRead(a, 'not-an-id')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await db.notification.findUniqueOrThrow({ where: { id: mine.id } })).readAt).toBeNull()
    expect(await unreadCount(a)).toBe(2)

    const first = new Date('2026-11-01T10:00:00Z')
    await markNotificationRead(a, mine.id, first)
    await markNotificationRead(a, mine.id, new Date('2026-11-02T10:00:00Z')) // again: harmless, the first read time stays
    expect((await db.notification.findUniqueOrThrow({ where: { id: mine.id } })).readAt).toEqual(first)
    expect(await unreadCount(a)).toBe(1)
    expect((await listNotifications(a)).map((n) => [n.title, n.read])).toEqual([
      ['Also for A', true],
      ['For A', false],
    ])

    expect(await markAllNotificationsRead(a)).toEqual({ count: 1 })
    expect(await unreadCount(a)).toBe(0)
    expect(await unreadCount(b)).toBe(1) // B's notice is untouched
    // Personal read state is not audited.
    expect(await db.auditEvent.count({ where: { entityId: { in: [mine.id, other.id] } } })).toBe(0)
  })
})
