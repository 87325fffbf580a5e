import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { shortId } from '@/lib/domain/short-id'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { holdWrite } from '@/lib/testing/concurrency'
import { makeUser } from '@/lib/testing/factories'
import { cancelValidation } from './commands'
import { transitionValidation } from './transition'

// A validation changes state only from where its writer expects it: a cancel that meets a worker's claim
// asks the running validation to stop instead of writing CANCELLED over it.

async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Validated ${randomUUID().slice(0, 8)}` }))
  const environment = await db.environment.create({ data: { name: `env-${randomUUID().slice(0, 8)}` } })
  return { lead, planId, environmentId: environment.id }
}

describe('cancelling a validation', () => {
  it('that a worker claims meanwhile asks it to stop rather than overwrite the claim', async () => {
    const { lead, planId, environmentId } = await setup()
    const validation = await db.validation.create({ data: { planId, environmentId, requestedById: lead.id } })
    // The worker's claim, written and not yet committed when the cancel reads the validation.
    const claim = await holdWrite(
      `UPDATE "Validation" SET "status" = 'RUNNING', "workerId" = 'test-worker', "startedAt" = now() WHERE "id" = $1`,
      [validation.id],
    )
    const outcome = await claim.whileHeld(() => cancelValidation(lead, validation.id))
    try {
      expect(outcome.status).toBe('fulfilled')
      const after = await db.validation.findUniqueOrThrow({ where: { id: validation.id } })
      expect(after).toMatchObject({ status: 'RUNNING', workerId: 'test-worker', cancelRequested: true })
    } finally {
      await db.validation.update({ where: { id: validation.id }, data: { status: 'CANCELLED', workerId: null } })
    }
  })

  it('that has ended is an error naming its state', async () => {
    const { lead, planId, environmentId } = await setup()
    const validation = await db.validation.create({
      data: { planId, environmentId, requestedById: lead.id, status: 'PASSED', finishedAt: new Date() },
    })
    await expect(transitionValidation(db, validation.id, 'RUNNING', 'ERROR')).rejects.toThrow(
      `Validation ${shortId(validation.id)} is passed, not running.`,
    )
    await expect(cancelValidation(lead, validation.id)).rejects.toThrow('This validation has already ended.')
  })
})
