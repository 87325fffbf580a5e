import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { DomainError } from '@/lib/server/errors'
import { makeUser } from '@/lib/testing/factories'
import { addItem, setItemDone, updateItem } from './checklist-commands'
import { addPhase, completePhase } from './phase-commands'
import { createPlan } from './plan-commands'
import { getPlanForViewer, listPhaseItems } from './queries'
import { addCriterion, addRisk, addTrigger } from './register-commands'
import { removeFromPlan, setCriterionStatus } from './remove-commands'
import { ZAddItem, ZAddPhase, ZCreatePlan } from './schemas'

async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Removal' }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Preparation' }))
  return { lead, planId, phaseId }
}

describe('removing parts of a plan', () => {
  it('removes items, risks, criteria and triggers, each with one audit event keeping what was removed', async () => {
    const { lead, planId, phaseId } = await setup()
    const item = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Obsolete step' }))
    const risk = await addRisk(lead, {
      planId,
      title: 'Gone risk',
      impact: 'LOW',
      likelihood: 'RARE',
      mitigation: '',
      owner: null,
      status: 'OPEN',
    })
    const criterion = await addCriterion(lead, { planId, text: 'Gone criterion' })
    const trigger = await addTrigger(lead, {
      planId,
      text: 'Gone trigger',
      metric: null,
      comparator: null,
      threshold: null,
      sustainedSeconds: 0,
    })
    for (const [kind, id] of [
      ['item', item.id],
      ['risk', risk.id],
      ['criterion', criterion.id],
      ['trigger', trigger.id],
    ] as const) {
      await removeFromPlan(lead, { kind, id })
      const events = await db.auditEvent.findMany({ where: { entityId: id, action: { endsWith: '.delete' } } })
      expect(events).toHaveLength(1)
      expect(JSON.stringify(events[0]?.before)).toContain(kind === 'item' ? 'Obsolete step' : 'Gone')
    }
    const plan = await getPlanForViewer(lead, planId)
    expect([
      (await listPhaseItems(lead, planId, [phaseId])).get(phaseId),
      plan.risks,
      plan.successCriteria,
      plan.rollbackTriggers,
    ]).toEqual([[], [], [], []])
  })

  it('keeps positions unique after a removal', async () => {
    const { lead, phaseId } = await setup()
    const first = await addItem(lead, ZAddItem.parse({ phaseId, text: 'first' }))
    await addItem(lead, ZAddItem.parse({ phaseId, text: 'second' }))
    await removeFromPlan(lead, { kind: 'item', id: first.id })
    await addItem(lead, ZAddItem.parse({ phaseId, text: 'third' }))
    const items = await db.checklistItem.findMany({ where: { phaseId }, orderBy: { position: 'asc' } })
    expect(items.map((i) => i.text)).toEqual(['second', 'third'])
    expect(new Set(items.map((i) => i.position)).size).toBe(2)
  })

  it('removes a phase with its checklist and closes the gap in the order', async () => {
    const { lead, planId, phaseId } = await setup()
    const second = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cutover' }))
    await addItem(lead, ZAddItem.parse({ phaseId, text: 'Snapshot' }))
    await removeFromPlan(lead, { kind: 'phase', id: phaseId })
    await addPhase(lead, ZAddPhase.parse({ planId, name: 'Clean-up' }))
    const phases = await db.phase.findMany({ where: { planId }, orderBy: { position: 'asc' } })
    expect(phases.map((p) => [p.name, p.position])).toEqual([
      ['Cutover', 0],
      ['Clean-up', 1],
    ])
    expect(await db.checklistItem.count({ where: { phaseId } })).toBe(0)
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityId: phaseId, action: 'phase.delete' } })
    expect(event.before).toEqual({ name: 'Preparation', position: 0, items: 1 })
    expect(second.id).toBe(phases[0]?.id)
  })

  it('refuses to remove a phase that is done', async () => {
    const { lead, phaseId } = await setup()
    await completePhase(lead, { phaseId })
    await expect(removeFromPlan(lead, { kind: 'phase', id: phaseId })).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await db.phase.count({ where: { id: phaseId } })).toBe(1)
  })

  it('refuses to remove from a completed phase, and refuses stakeholders', async () => {
    const { lead, phaseId } = await setup()
    const item = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Frozen' }))
    await setItemDone(lead, { itemId: item.id, done: true })
    await completePhase(lead, { phaseId })
    await expect(removeFromPlan(lead, { kind: 'item', id: item.id })).rejects.toMatchObject({ code: 'CONFLICT' })
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(removeFromPlan(stakeholder, { kind: 'item', id: item.id })).rejects.toBeInstanceOf(DomainError)
    expect(await db.checklistItem.count({ where: { id: item.id } })).toBe(1)
  })
})

describe('setCriterionStatus', () => {
  it('records the verdict with its before and after', async () => {
    const { lead, planId } = await setup()
    const { id } = await addCriterion(lead, { planId, text: 'Zero data loss' })
    await setCriterionStatus(lead, { criterionId: id, status: 'MET' })
    expect((await getPlanForViewer(lead, planId)).successCriteria[0]?.status).toBe('MET')
    const event = await db.auditEvent.findFirstOrThrow({
      where: { entityId: id, action: 'successCriterion.setStatus' },
    })
    expect(event.before).toEqual({ status: 'PENDING' })
  })
})

describe('updateItem', () => {
  it('changes an item and audits only what changed', async () => {
    const { lead, phaseId } = await setup()
    const { id } = await addItem(lead, ZAddItem.parse({ phaseId, text: 'Back up' }))
    await updateItem(lead, { itemId: id, text: 'Back up', owner: 'DBA team', dueDate: '2026-12-01', isRequired: true })
    expect(await db.checklistItem.findUniqueOrThrow({ where: { id } })).toMatchObject({
      owner: 'DBA team',
      isRequired: true,
    })
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityId: id, action: 'checklistItem.update' } })
    expect(event.before).toEqual({ owner: null, isRequired: false, dueDate: null })
    expect(event.after).toEqual({ owner: 'DBA team', isRequired: true, dueDate: '2026-12-01', text: 'Back up' })
  })
})
