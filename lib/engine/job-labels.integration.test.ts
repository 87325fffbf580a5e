import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { shortId } from '@/lib/domain/short-id'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { makeUser } from '@/lib/testing/factories'
import { runLabel } from './job-labels'

describe('how the worker log names a run', () => {
  it('by plan, phase and environment, with a short id that differs between runs made together', async () => {
    const lead = await makeUser('LEAD')
    const title = `Orders move ${randomUUID().slice(0, 8)}`
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title }))
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Data Migration' }))
    const environment = await db.environment.create({ data: { name: `staging-${randomUUID().slice(0, 8)}` } })
    // Finished runs, so that no worker of another test file claims them; made in one statement, in the same instant.
    const run = { planId, phaseId, environmentId: environment.id, requestedById: lead.id, status: 'CANCELLED' as const }
    const [first, second] = await db.run.createManyAndReturn({ data: [run, run], select: { id: true } })
    if (!first || !second) throw new Error('two runs were made')

    const labels = [await runLabel(first.id), await runLabel(second.id)]
    expect(labels[0]).toBe(`run ${shortId(first.id)} (“${title}” › “Data Migration” › ${environment.name})`)
    expect(labels[1]).toBe(`run ${shortId(second.id)} (“${title}” › “Data Migration” › ${environment.name})`)
    expect(labels[0]).not.toBe(labels[1])
  })

  it('ids Lockstep makes in one statement all differ in their short id', async () => {
    const prefix = `short-${randomUUID().slice(0, 8)}`
    const rows = await db.environment.createManyAndReturn({
      data: Array.from({ length: 50 }, (_, i) => ({ name: `${prefix}-${i}` })),
      select: { id: true },
    })
    await db.environment.deleteMany({ where: { name: { startsWith: prefix } } })
    expect(new Set(rows.map((r) => shortId(r.id))).size).toBe(rows.length)
  })

  it('by its short id alone when the run is not found', async () => {
    const id = randomUUID()
    expect(await runLabel(id)).toBe(`run ${shortId(id)}`)
  })
})
