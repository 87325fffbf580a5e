import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { addPhase } from './phase-commands'
import { createPlan } from './plan-commands'
import { getPlanForViewer } from './queries'
import { ZAddBackupStep, ZAddPhase, ZAddSqlStep, ZCreatePlan, ZEditBackupStep } from './schemas'
import { addBackupStep, addSqlStep, editBackupStep } from './step-commands'

async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Backed-up plan' }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Preparation' }))
  return { lead, planId, phaseId }
}

const stepsOf = async (planId: string) =>
  (await getPlanForViewer(await makeUser('STAKEHOLDER'), planId)).phases[0]?.steps ?? []

describe('backup steps on the plan', () => {
  it('are added ready to run, edited to the source with named tables, audited, and read back with their configuration', async () => {
    const { lead, planId, phaseId } = await setup()
    const { id } = await addBackupStep(
      lead,
      ZAddBackupStep.parse({ phaseId, name: 'Back up the target', of: 'target', tables: '' }),
    )
    expect(await stepsOf(planId)).toEqual([
      expect.objectContaining({
        id,
        kind: 'BACKUP',
        name: 'Back up the target',
        isDraft: false,
        backup: { of: 'target', tables: [] },
        copy: null,
        observe: null,
      }),
    ])

    await editBackupStep(
      lead,
      ZEditBackupStep.parse({
        stepId: id,
        name: 'Back up the source',
        of: 'source',
        tables: 'orders, customers\norders',
      }),
    )
    expect((await stepsOf(planId))[0]).toMatchObject({
      name: 'Back up the source',
      backup: { of: 'source', tables: ['orders', 'customers'] },
    })
    expect((await auditEventsFor(id)).map((e) => [e.action, e.after])).toEqual([
      ['step.create', expect.objectContaining({ kind: 'BACKUP', of: 'target', tables: [] })],
      ['step.update', { name: 'Back up the source', config: { of: 'source', tables: ['orders', 'customers'] } }],
    ])
  })

  it('refuse stakeholders, other kinds of step, and a database that is neither the target nor the source', async () => {
    const { lead, phaseId } = await setup()
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(
      addBackupStep(stakeholder, ZAddBackupStep.parse({ phaseId, name: 'Back up', of: 'target', tables: '' })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await db.step.count({ where: { phaseId } })).toBe(0)
    const { id: sqlId } = await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId,
        name: 'Add a column',
        body: 'ALTER TABLE orders ADD COLUMN note text;',
        rollbackBody: '',
      }),
    )
    await expect(
      editBackupStep(lead, ZEditBackupStep.parse({ stepId: sqlId, name: 'Back up', of: 'target', tables: '' })),
    ).rejects.toThrow('Only backup steps have these options.')
    expect(
      ZAddBackupStep.safeParse({ phaseId, name: 'Back up', of: 'production', tables: '' }).error?.issues[0]?.message,
    ).toBe('Choose which database to back up.')
  })
})
