import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { SystemActor } from '@/lib/server/actor'
import { DomainError } from '@/lib/server/errors'
import { addItem, setItemDone } from '@/lib/server/plans/checklist-commands'
import { addPhase, blockPhase } from '@/lib/server/plans/phase-commands'
import { createPlan, updatePlan } from '@/lib/server/plans/plan-commands'
import { addRisk, updateRisk } from '@/lib/server/plans/register-commands'
import { ZAddItem, ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { getReportPage, getSnapshot, listSnapshots } from './history'
import { takeDailySnapshots, takeSnapshot, watchReportStatuses } from './snapshots'

const WORKER: SystemActor = { kind: 'system', label: 'worker', origin: 'test' }

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

async function activePlan(title: string) {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title }))
  await db.plan.update({ where: { id: planId }, data: { status: 'ACTIVE' } })
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Preparation' }))
  const items = await Promise.all(
    ['Back up the source', 'Freeze the schema'].map((text) => addItem(lead, ZAddItem.parse({ phaseId, text }))),
  )
  const risk = await addRisk(lead, {
    planId,
    title: 'Lock contention',
    impact: 'HIGH',
    likelihood: 'LIKELY',
    mitigation: '',
    owner: null,
    status: 'OPEN',
  })
  return { lead, planId, phaseId, itemIds: items.map((i) => i.id), riskId: risk.id }
}

describe('report snapshots', () => {
  it('are taken daily, once per plan and day, with the risks opened and closed since the day before', async () => {
    const { lead, planId, riskId } = await activePlan('Daily snapshots')
    const day1 = new Date('2030-03-01T06:00:00Z')
    await takeDailySnapshots(day1)
    await takeDailySnapshots(new Date('2030-03-01T18:00:00Z'))
    let rows = await db.reportSnapshot.findMany({ where: { planId }, orderBy: { takenAt: 'asc' } })
    expect(rows.map((r) => [r.day?.toISOString().slice(0, 10), r.openRisks, r.risksOpened, r.risksClosed])).toEqual([
      ['2030-03-01', 1, 1, 0],
    ])

    await updateRisk(lead, {
      riskId,
      title: 'Lock contention',
      impact: 'HIGH',
      likelihood: 'LIKELY',
      mitigation: 'lock_timeout',
      owner: null,
      status: 'MITIGATED',
    })
    await addRisk(lead, {
      planId,
      title: 'Replica lag',
      impact: 'MEDIUM',
      likelihood: 'POSSIBLE',
      mitigation: '',
      owner: null,
      status: 'OPEN',
    })
    await addRisk(lead, {
      planId,
      title: 'Disk full',
      impact: 'LOW',
      likelihood: 'RARE',
      mitigation: '',
      owner: null,
      status: 'OPEN',
    })
    await takeDailySnapshots(new Date('2030-03-02T00:01:00Z'))
    rows = await db.reportSnapshot.findMany({ where: { planId }, orderBy: { takenAt: 'asc' } })
    expect(rows.map((r) => [r.day?.toISOString().slice(0, 10), r.openRisks, r.risksOpened, r.risksClosed])).toEqual([
      ['2030-03-01', 1, 1, 0],
      ['2030-03-02', 2, 2, 1],
    ])
    // Plans no longer in progress are not snapshotted.
    await db.plan.update({ where: { id: planId }, data: { status: 'COMPLETED' } })
    await takeDailySnapshots(new Date('2030-03-03T00:01:00Z'))
    expect(await db.reportSnapshot.count({ where: { planId } })).toBe(2)
  })

  it('are taken on demand by editors only, audited, and open as they were', async () => {
    const { lead, planId, itemIds } = await activePlan('Snapshots on demand')
    const stakeholder = await makeUser('STAKEHOLDER')
    expect((await refusal(takeSnapshot(stakeholder, planId))).code).toBe('FORBIDDEN')
    expect((await refusal(takeSnapshot(lead, '00000000-0000-7000-8000-000000000000'))).code).toBe('NOT_FOUND')
    expect(await db.reportSnapshot.count({ where: { planId } })).toBe(0)

    const { id } = await takeSnapshot(lead, planId)
    expect((await auditEventsFor(id)).map((e) => [e.action, e.actorId])).toEqual([['report.snapshot', lead.id]])

    await setItemDone(lead, { itemId: itemIds[0] ?? '', done: true })
    await updatePlan(lead, {
      planId,
      title: 'Snapshots on demand, renamed',
      summary: '',
      currentState: '',
      targetState: '',
      status: 'ACTIVE',
      startDate: null,
    })
    const page = await getReportPage(stakeholder, planId)
    expect(page.report.progress).toBeGreaterThan(0)
    expect(page.trend.map((p) => [p.id, p.progress, p.daily, p.takenByName])).toEqual([[id, 0, false, lead.name]])
    expect(page.since?.id).toBe(id)
    expect(page.since?.changes.map((c) => c.text)).toContain(
      `Progress went from 0 % to ${page.report.progress} % (+${page.report.progress}).`,
    )

    // The snapshot is the report as it was: old title, old progress.
    const snapshot = await getSnapshot(stakeholder, planId, id)
    expect([snapshot.report.plan.title, snapshot.report.progress, snapshot.changes, snapshot.previous]).toEqual([
      'Snapshots on demand',
      0,
      null,
      null,
    ])
    expect((await listSnapshots(stakeholder, planId)).snapshots.map((s) => s.id)).toEqual([id])

    // A snapshot is found only under its own plan.
    const other = await activePlan('Another plan')
    expect((await refusal(getSnapshot(stakeholder, other.planId, id))).code).toBe('NOT_FOUND')
    expect((await refusal(getSnapshot(stakeholder, planId, 'not-an-id'))).code).toBe('NOT_FOUND')
  })
})

describe('the report status watch', () => {
  it('notes a first status quietly, then notifies the owner and the stakeholders once per change', async () => {
    const { lead, planId, phaseId } = await activePlan('Status watch')
    const stakeholder = await makeUser('STAKEHOLDER')
    const dba = await makeUser('DBA')
    await watchReportStatuses(WORKER)
    expect((await db.plan.findUniqueOrThrow({ where: { id: planId } })).reportStatus).toBe('ON_TRACK')
    expect(await db.notification.count({ where: { planId } })).toBe(0)

    await blockPhase(lead, { phaseId, reason: 'waiting for the vendor export' })
    // Two workers at once: the change is told once.
    await Promise.all([watchReportStatuses(WORKER), watchReportStatuses(WORKER)])
    expect((await db.plan.findUniqueOrThrow({ where: { id: planId } })).reportStatus).toBe('BLOCKED')
    const notices = await db.notification.findMany({ where: { planId } })
    const stakeholders = await db.user.findMany({
      where: { role: 'STAKEHOLDER', isActive: true },
      select: { id: true },
    })
    expect(stakeholders.map((u) => u.id)).toContain(stakeholder.id)
    expect(notices.map((n) => n.userId).sort()).toEqual([lead.id, ...stakeholders.map((u) => u.id)].sort())
    expect(notices.map((n) => n.userId)).not.toContain(dba.id)
    expect(notices.find((n) => n.userId === stakeholder.id)).toMatchObject({
      kind: 'PLAN_STATUS_CHANGED',
      title: '“Status watch” is now blocked (was on track)',
      href: `/plans/${planId}/report`,
    })
    expect(notices.find((n) => n.userId === lead.id)?.body).toContain('waiting for the vendor export')
    const audit = await db.auditEvent.findMany({ where: { planId, action: 'report.status' } })
    expect(audit.map((a) => [a.actorLabel, a.before, (a.after as { status: string }).status])).toEqual([
      ['worker', { status: 'ON_TRACK' }, 'BLOCKED'],
    ])

    await watchReportStatuses(WORKER)
    expect(await db.notification.count({ where: { planId } })).toBe(notices.length)
  })
})
