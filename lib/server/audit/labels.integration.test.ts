import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { removeFromPlan } from '@/lib/server/plans/remove-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan, ZRemove } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { changeUserRole } from '@/lib/server/users/commands'
import { ZChangeUserRole } from '@/lib/server/users/schemas'
import { makeUser } from '@/lib/testing/factories'
import { entityLabels } from './labels'
import { listAuditEventsForAdmin, ZAuditFilter } from './queries'

// Time-ordered ids made in the same minute begin alike: the audit log names its entities instead.

const entityOf = async (admin: Awaited<ReturnType<typeof makeUser>>, entityType: string, entityId: string) =>
  (await listAuditEventsForAdmin(admin, ZAuditFilter.parse({ entityType, entityId }))).events

describe('the audit log names the entities of its events', () => {
  it('a plan by its title, a step by its name, a user by their email, a removed phase by the name it had', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    const title = `Orders move ${randomUUID().slice(0, 8)}`
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title }))
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Preparation' }))
    const { id: stepId } = await addSqlStep(
      lead,
      ZAddSqlStep.parse({ phaseId, name: 'Add index', body: 'CREATE TABLE t (id int);' }),
    )
    const { id: goneId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cleanup' }))
    await removeFromPlan(lead, ZRemove.parse({ kind: 'phase', id: goneId }))
    const stakeholder = await makeUser('STAKEHOLDER')
    await changeUserRole(admin, ZChangeUserRole.parse({ userId: stakeholder.id, role: 'LEAD' }))

    expect((await entityOf(admin, 'Plan', planId)).map((e) => e.entityLabel)).toContain(`“${title}”`)
    expect((await entityOf(admin, 'Step', stepId))[0]?.entityLabel).toBe('“Add index”')
    expect((await entityOf(admin, 'Phase', phaseId))[0]?.entityLabel).toBe('“Preparation”')
    expect((await entityOf(admin, 'Phase', goneId)).map((e) => e.entityLabel)).toEqual(['“Cleanup”', '“Cleanup”'])
    expect((await entityOf(admin, 'User', stakeholder.id))[0]?.entityLabel).toBe(stakeholder.email)
  })

  it('names users only to those who manage them', async () => {
    const lead = await makeUser('LEAD')
    const other = await makeUser('STAKEHOLDER')
    const event = {
      entityType: 'User',
      entityId: other.id,
      before: { role: 'STAKEHOLDER' },
      after: { role: 'LEAD', name: other.name },
    }
    expect(await entityLabels(lead, [event])).toEqual([null])
    expect(await entityLabels(await makeUser('ADMIN'), [event])).toEqual([other.email])
  })

  it('leaves an entity without a name, or an id that is not one, to its short id', async () => {
    const admin = await makeUser('ADMIN')
    const id = randomUUID()
    expect(
      await entityLabels(admin, [
        { entityType: 'Plan', entityId: id, before: null, after: { status: 'DONE' } },
        { entityType: 'Plan', entityId: 'not-an-id', before: null, after: null },
      ]),
    ).toEqual([null, null])
  })

  it('is for admins only', async () => {
    await expect(listAuditEventsForAdmin(await makeUser('STAKEHOLDER'), ZAuditFilter.parse({}))).rejects.toThrow()
  })
})
