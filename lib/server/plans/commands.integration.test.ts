import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { DomainError } from '@/lib/server/errors'
import { makeUser } from '@/lib/testing/factories'
import { addChecklist, addItem, setItemDone } from './checklist-commands'
import { addPhase, blockPhase, completePhase, movePhase, reopenPhase, unblockPhase } from './phase-commands'
import { archivePlan, createPlan, restorePlan, updatePlan } from './plan-commands'
import { getPlanForViewer, listPhaseItems, listPlanActivity, listPlansForViewer } from './queries'
import { addCriterion, addRisk, addTrigger, updateRisk } from './register-commands'
import { removeFromPlan } from './remove-commands'
import { ZAddItem, ZAddPhase, ZCreatePlan } from './schemas'

const plan = (title: string) => ZCreatePlan.parse({ title })
const phase = (planId: string, name: string) => ZAddPhase.parse({ planId, name })

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

const auditCount = (planId: string) => db.auditEvent.count({ where: { planId } })

describe('plan commands', () => {
  it('leave exactly one audit event per mutation, tied to the plan', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, plan('Orders to PostgreSQL'))
    expect(await auditCount(planId)).toBe(1)
    const { id: phaseId } = await addPhase(lead, phase(planId, 'Preparation'))
    expect(await auditCount(planId)).toBe(2)
    const { id: itemId } = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Back up the source' }))
    expect(await auditCount(planId)).toBe(3)
    await setItemDone(lead, { itemId, done: true })
    expect(await auditCount(planId)).toBe(4)
    await addRisk(lead, {
      planId,
      title: 'Lock contention',
      impact: 'HIGH',
      likelihood: 'LIKELY',
      mitigation: '',
      owner: null,
      status: 'OPEN',
    })
    expect(await auditCount(planId)).toBe(5)
    const activity = await listPlanActivity(lead, planId)
    expect(activity.map((a) => a.action)).toEqual([
      'risk.create',
      'checklistItem.tick',
      'checklistItem.create',
      'phase.create',
      'plan.create',
    ])
  })

  it('keep who ticked an item and when, and clear both on untick', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, plan('Tick test'))
    const { id: phaseId } = await addPhase(lead, phase(planId, 'Cutover'))
    const { id: itemId } = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Freeze writes' }))
    const ticked = await setItemDone(lead, { itemId, done: true })
    expect(ticked).toMatchObject({ doneByName: lead.name, doneAt: expect.any(String) })
    const detail = await getPlanForViewer(lead, planId)
    expect((await listPhaseItems(lead, planId, [phaseId])).get(phaseId)?.[0]).toMatchObject({ doneByName: lead.name })
    expect(detail.phases[0]).toMatchObject({ itemCount: 1, doneCount: 1 })
    const { id: otherPlanId } = await createPlan(lead, plan('Another plan'))
    expect((await listPhaseItems(lead, otherPlanId, [phaseId])).get(phaseId)).toEqual([])
    expect(detail.phases[0]?.status).toBe('IN_PROGRESS')
    expect(await setItemDone(lead, { itemId, done: false })).toMatchObject({ doneAt: null, doneByName: null })
  })

  it('refuse to close a phase with an open required item, then allow it', async () => {
    const dba = await makeUser('DBA')
    const { id: planId } = await createPlan(dba, plan('Gate test'))
    const { id: phaseId } = await addPhase(dba, phase(planId, 'Validation'))
    const { id: required } = await addItem(dba, ZAddItem.parse({ phaseId, text: 'Row counts match', isRequired: 'on' }))
    await addItem(dba, ZAddItem.parse({ phaseId, text: 'Optional tidy-up' }))
    const error = await refusal(completePhase(dba, { phaseId }))
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toContain('“Row counts match”')
    expect((await db.phase.findUniqueOrThrow({ where: { id: phaseId } })).completedAt).toBeNull()
    await setItemDone(dba, { itemId: required, done: true })
    await completePhase(dba, { phaseId })
    expect((await getPlanForViewer(dba, planId)).phases[0]?.status).toBe('DONE')
    // A done phase's checklist is frozen until it is reopened.
    expect((await refusal(setItemDone(dba, { itemId: required, done: false }))).code).toBe('CONFLICT')
    await reopenPhase(dba, { phaseId })
    await setItemDone(dba, { itemId: required, done: false })
  })

  it('block a phase with a reason, which also stops it being closed', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, plan('Block test'))
    const { id: phaseId } = await addPhase(lead, phase(planId, 'Data copy'))
    await blockPhase(lead, { phaseId, reason: 'Waiting for storage' })
    expect((await getPlanForViewer(lead, planId)).phases[0]).toMatchObject({
      status: 'BLOCKED',
      blockedReason: 'Waiting for storage',
    })
    expect((await refusal(completePhase(lead, { phaseId }))).message).toContain('blocked')
    await unblockPhase(lead, { phaseId })
    await completePhase(lead, { phaseId })
  })

  it('reorder phases without gaps or duplicates', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, plan('Order test'))
    const ids = []
    for (const name of ['One', 'Two', 'Three']) ids.push((await addPhase(lead, phase(planId, name))).id)
    await movePhase(lead, { phaseId: ids[2] ?? '', direction: 'up' })
    await movePhase(lead, { phaseId: ids[0] ?? '', direction: 'up' })
    const phases = await db.phase.findMany({ where: { planId }, orderBy: { position: 'asc' } })
    expect(phases.map((p) => [p.name, p.position])).toEqual([
      ['One', 0],
      ['Three', 1],
      ['Two', 2],
    ])
  })

  it('refuse stakeholders every edit and write nothing', async () => {
    const lead = await makeUser('LEAD')
    const stakeholder = await makeUser('STAKEHOLDER')
    const { id: planId } = await createPlan(lead, plan('Read-only for stakeholders'))
    const { id: phaseId } = await addPhase(lead, phase(planId, 'Preparation'))
    const { id: itemId } = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Inventory tables' }))
    const before = await auditCount(planId)
    const attempts = [
      () => createPlan(stakeholder, plan('Mine')),
      () => updatePlan(stakeholder, { ...plan('Renamed'), planId }),
      () => addPhase(stakeholder, phase(planId, 'Sneaky')),
      () => setItemDone(stakeholder, { itemId, done: true }),
      () => completePhase(stakeholder, { phaseId }),
      () =>
        addRisk(stakeholder, {
          planId,
          title: 'x',
          impact: 'LOW',
          likelihood: 'RARE',
          mitigation: '',
          owner: null,
          status: 'OPEN',
        }),
      () => archivePlan(stakeholder, planId),
    ]
    for (const attempt of attempts) expect((await refusal(attempt())).code).toBe('FORBIDDEN')
    expect(await auditCount(planId)).toBe(before)
    expect((await getPlanForViewer(stakeholder, planId)).canEdit).toBe(false)
  })

  it('answer "not found" for unknown and malformed ids', async () => {
    const lead = await makeUser('LEAD')
    expect((await refusal(getPlanForViewer(lead, '00000000-0000-4000-8000-000000000000'))).code).toBe('NOT_FOUND')
    expect((await refusal(getPlanForViewer(lead, 'not-a-uuid'))).code).toBe('NOT_FOUND')
    expect(
      (await refusal(setItemDone(lead, { itemId: '00000000-0000-4000-8000-000000000000', done: true }))).code,
    ).toBe('NOT_FOUND')
  })

  it('freeze archived plans until restored, and hide them from the default list', async () => {
    const lead = await makeUser('LEAD')
    const title = `Archive test ${Date.now()}`
    const { id: planId } = await createPlan(lead, plan(title))
    await archivePlan(lead, planId)
    expect((await refusal(addPhase(lead, phase(planId, 'Late')))).code).toBe('CONFLICT')
    expect((await listPlansForViewer(lead, { q: title })).plans.map((p) => p.id)).toEqual([])
    expect((await listPlansForViewer(lead, { q: title, status: 'ARCHIVED' })).plans.map((p) => p.id)).toEqual([planId])
    await restorePlan(lead, planId)
    await addPhase(lead, phase(planId, 'Back again'))
  })

  it('computes list progress from checklist items in the database', async () => {
    const lead = await makeUser('LEAD')
    const title = `Progress ${Date.now()}`
    const { id: planId } = await createPlan(lead, plan(title))
    const { id: phaseId } = await addPhase(lead, phase(planId, 'Only phase'))
    const { id: checklistId } = await addChecklist(lead, { planId, name: 'Pre-migration checklist' })
    const a = await addItem(lead, ZAddItem.parse({ phaseId, text: 'a' }))
    await addItem(lead, ZAddItem.parse({ phaseId, text: 'b' }))
    const c = await addItem(lead, ZAddItem.parse({ checklistId, text: 'c' }))
    await addItem(lead, ZAddItem.parse({ checklistId, text: 'd' }))
    await setItemDone(lead, { itemId: a.id, done: true })
    await setItemDone(lead, { itemId: c.id, done: true })
    const {
      plans: [row],
      total,
    } = await listPlansForViewer(lead, { q: title })
    expect(total).toBe(1)
    expect(row).toMatchObject({ progress: 50, phaseCount: 1, openRiskCount: 0 })
    // The rollup follows every later edit: a risk, an untick, a removal.
    await addRisk(lead, {
      planId,
      title: 'Lag',
      impact: 'LOW',
      likelihood: 'RARE',
      mitigation: '',
      owner: null,
      status: 'OPEN',
    })
    await setItemDone(lead, { itemId: c.id, done: false })
    await removeFromPlan(lead, { kind: 'item', id: a.id })
    const {
      plans: [after],
    } = await listPlansForViewer(lead, { q: title })
    expect(after).toMatchObject({ progress: 0, phaseCount: 1, openRiskCount: 1 })
    await setItemDone(lead, { itemId: c.id, done: true })
    expect((await listPlansForViewer(lead, { q: title })).plans[0]?.progress).toBe(33)
  })

  it('record only what changed when a risk is updated; sort risks by score', async () => {
    const lead = await makeUser('LEAD')
    const { id: planId } = await createPlan(lead, plan('Risks'))
    const base = { planId, mitigation: '', owner: null, status: 'OPEN' as const }
    const low = await addRisk(lead, { ...base, title: 'Minor', impact: 'LOW', likelihood: 'UNLIKELY' })
    await addRisk(lead, { ...base, title: 'Data loss', impact: 'CRITICAL', likelihood: 'POSSIBLE' })
    await updateRisk(lead, {
      riskId: low.id,
      title: 'Minor',
      impact: 'LOW',
      likelihood: 'UNLIKELY',
      mitigation: '',
      owner: null,
      status: 'MITIGATED',
    })
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityId: low.id, action: 'risk.update' } })
    expect(event.before).toEqual({ status: 'OPEN' })
    expect(event.after).toEqual({ status: 'MITIGATED' })
    expect((await getPlanForViewer(lead, planId)).risks.map((r) => [r.title, r.score])).toEqual([
      ['Data loss', 12],
      ['Minor', 2],
    ])
    await addCriterion(lead, { planId, text: 'Zero data loss' })
    await addTrigger(lead, {
      planId,
      text: 'Error rate > 5%',
      metric: 'error_rate_percent',
      comparator: 'GT',
      threshold: 5,
      sustainedSeconds: 0,
    })
    const detail = await getPlanForViewer(lead, planId)
    expect(detail.successCriteria).toMatchObject([{ text: 'Zero data loss', status: 'PENDING' }])
    expect(detail.rollbackTriggers).toMatchObject([{ metric: 'error_rate_percent', comparator: 'GT', threshold: 5 }])
  })
})
