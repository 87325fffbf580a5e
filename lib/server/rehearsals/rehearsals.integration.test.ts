import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { executeRehearsal, failAbandonedRehearsals } from '@/lib/engine/rehearsals'
import { rehearsalChecksum } from '@/lib/targets/sql/history'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { DomainError } from '@/lib/server/errors'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan, ZEditSqlStep } from '@/lib/server/plans/schemas'
import { addSqlStep, editSqlStep } from '@/lib/server/plans/step-commands'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { warmPool } from '@/lib/testing/concurrency'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { requestRehearsal } from './commands'
import { hasCurrentRehearsal, listPhaseRehearsals } from './queries'
import { ZRequestRehearsal } from './schemas'

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

/** Executed here rather than by a worker of another test file; the heartbeat keeps such a worker from calling it abandoned. */
async function work(rehearsalId: string) {
  await db.workerHeartbeat.upsert({
    where: { id: 'test' },
    create: { id: 'test', hostname: 'test', pid: process.pid, startedAt: new Date(0), lastSeenAt: new Date() },
    update: { lastSeenAt: new Date() },
  })
  await db.rollbackRehearsal.update({
    where: { id: rehearsalId },
    data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() },
  })
  return executeRehearsal(rehearsalId)
}

const ORDERS = {
  name: 'Create orders',
  body: 'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric(12, 2) NOT NULL);\nCREATE INDEX orders_customer_idx ON orders (customer_id);',
  rollbackBody: 'DROP TABLE orders;',
}
const EMAIL_INDEX = {
  name: 'Index customer emails',
  body: 'CREATE INDEX IF NOT EXISTS customers_email_lower_idx ON customers (lower(email));',
  rollbackBody: 'DROP INDEX customers_email_lower_idx;',
}

async function setup(options: { protected?: boolean } = {}) {
  const lead = await makeUser('LEAD')
  const dba = await makeUser('DBA')
  const targetUrl = await createFreshDatabase('rehearsal_target', { migrate: false })
  await queryDatabase(
    targetUrl,
    `CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL); INSERT INTO customers (email) VALUES ('ada@example.com')`,
  )
  const { id: environmentId } = await createEnvironment(dba, {
    name: `env-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: options.protected ?? false,
  })
  const { id: connectionId } = await createConnection(
    await makeUser('ADMIN'),
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      ownServer: 'allow',
      name: 'shop',
      role: 'TARGET',
      url: `${targetUrl}?sslmode=disable`,
    }),
  )
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Orders' }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  const addStep = async (step: { name: string; body: string; rollbackBody: string | null }) =>
    (await addSqlStep(lead, ZAddSqlStep.parse({ phaseId, ...step, rollbackBody: step.rollbackBody ?? '' }))).id
  const input = ZRequestRehearsal.parse({ planId, phaseId, environmentId })
  return { lead, planId, phaseId, environmentId, addStep, input }
}

describe('rollback rehearsals', () => {
  it('rehearse a correct up and rollback: IDENTICAL, listed as current for every reader, audited', async () => {
    const { lead, planId, phaseId, addStep, input } = await setup()
    await addStep(ORDERS)
    await addStep(EMAIL_INDEX)
    const { id } = await requestRehearsal(lead, input)
    expect(await work(id)).toBe('IDENTICAL')
    const checksum = rehearsalChecksum([ORDERS, EMAIL_INDEX])
    expect(await db.rollbackRehearsal.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'IDENTICAL',
      checksum,
      stepNames: ['Create orders', 'Index customer emails'],
      stepsRun: 6,
      error: null,
      workerId: null,
    })
    const listed = await listPhaseRehearsals(await makeUser('STAKEHOLDER'), planId)
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        phaseId,
        status: 'IDENTICAL',
        checksum,
        current: true,
        differences: [],
        error: null,
      }),
    ])
    expect(await hasCurrentRehearsal(planId, phaseId, checksum)).toBe(true)
    expect((await auditEventsFor(id)).map((e) => [e.action, e.actorId])).toEqual([
      ['rehearsal.request', lead.id],
      ['rehearsal.finish', null],
    ])
  })

  it('name exactly the index a rollback forgets to drop, and call the rehearsal stale once a script is edited', async () => {
    const { lead, planId, phaseId, addStep, input } = await setup()
    await addStep(ORDERS)
    const stepId = await addStep({ ...EMAIL_INDEX, rollbackBody: 'SELECT 1;' })
    const { id } = await requestRehearsal(lead, input)
    expect(await work(id)).toBe('DIFFERENT')
    const [listed] = await listPhaseRehearsals(lead, planId)
    expect(listed).toMatchObject({ status: 'DIFFERENT', current: true })
    expect(listed?.differences).toEqual([
      'index public.customers_email_lower_idx exists after the rollback but not before the up (CREATE INDEX customers_email_lower_idx ON public.customers USING btree (lower(email)))',
    ])
    expect(
      await hasCurrentRehearsal(
        planId,
        phaseId,
        rehearsalChecksum([ORDERS, { ...EMAIL_INDEX, rollbackBody: 'SELECT 1;' }]),
      ),
    ).toBe(false)

    await editSqlStep(lead, ZEditSqlStep.parse({ stepId, ...EMAIL_INDEX }))
    expect((await listPhaseRehearsals(lead, planId)).map((r) => [r.id, r.current])).toEqual([[id, false]])
  })

  it('refuse a protected environment: a rehearsal leaves the steps applied', async () => {
    const { lead, addStep, input } = await setup({ protected: true })
    await addStep(ORDERS)
    const error = await refusal(requestRehearsal(lead, input))
    expect([error.code, error.message]).toEqual([
      'CONFLICT',
      expect.stringMatching(/is protected\. Rehearse on a staging environment: a rehearsal leaves the steps applied/),
    ])
    expect(await db.rollbackRehearsal.count({ where: { planId: input.planId } })).toBe(0)
  })

  it('refuse a step without a rollback script, naming it; a phase without SQL steps; a second rehearsal on the target', async () => {
    const { lead, addStep, input } = await setup()
    expect((await refusal(requestRehearsal(lead, input))).message).toBe('“Schema” has no SQL steps ready to rehearse.')
    await addStep(ORDERS)
    await addStep({ name: 'Backfill totals', body: 'UPDATE customers SET email = lower(email);', rollbackBody: null })
    expect((await refusal(requestRehearsal(lead, input))).message).toBe(
      '“Backfill totals” has no rollback script; a rehearsal needs one for every SQL step.',
    )
    expect(await db.rollbackRehearsal.count({ where: { planId: input.planId } })).toBe(0)

    const other = await setup()
    await other.addStep(ORDERS)
    await requestRehearsal(other.lead, other.input)
    expect((await refusal(requestRehearsal(other.lead, other.input))).message).toBe(
      `A rehearsal on shop (“${(await db.environment.findUniqueOrThrow({ where: { id: other.environmentId } })).name}”) is already queued; wait for it to finish.`,
    )
  })

  it('queue exactly one of six simultaneous rehearsals on one target, of two plans; the others are told one is queued', async () => {
    const { lead, environmentId, addStep, input } = await setup()
    await addStep(ORDERS)
    // A second plan whose phase runs on the same target connection of the environment.
    const { targetConnectionId } = await db.planEnvironment.findUniqueOrThrow({
      where: { planId_environmentId: { planId: input.planId, environmentId } },
    })
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Invoices' }))
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
    await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId })
    await addSqlStep(lead, ZAddSqlStep.parse({ phaseId, ...EMAIL_INDEX }))
    const other = ZRequestRehearsal.parse({ planId, phaseId, environmentId })
    await warmPool()
    const results = await Promise.allSettled(
      [input, other, input, other, input, other].map((i) => requestRehearsal(lead, i)),
    )
    const queued = await db.rollbackRehearsal.findMany({ where: { environmentId }, select: { id: true } })
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const environment = (await db.environment.findUniqueOrThrow({ where: { id: environmentId } })).name
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(r.reason).toMatchObject({
          code: 'CONFLICT',
          message: `A rehearsal on shop (“${environment}”) is already queued; wait for it to finish.`,
        })
      expect(queued).toHaveLength(1)
    } finally {
      // Nothing left for a worker to claim.
      await db.rollbackRehearsal.updateMany({
        where: { id: { in: queued.map((r) => r.id) }, status: 'QUEUED' },
        data: { status: 'FAILED', error: 'Ended by the test.', finishedAt: new Date() },
      })
    }
  })

  it('forbid stakeholders; answer not found for a phase of another plan', async () => {
    const { lead, addStep, input } = await setup()
    await addStep(ORDERS)
    expect((await refusal(requestRehearsal(await makeUser('STAKEHOLDER'), input))).code).toBe('FORBIDDEN')
    const other = await setup()
    expect((await refusal(requestRehearsal(lead, { ...input, phaseId: other.phaseId }))).code).toBe('NOT_FOUND')
    expect((await refusal(requestRehearsal(lead, { ...input, environmentId: randomUUID() }))).code).toBe('NOT_FOUND')
    expect(await db.rollbackRehearsal.count({ where: { planId: input.planId } })).toBe(0)
  })

  it('end a rehearsal a stopped worker held as FAILED, audited, so the target is free again', async () => {
    const { lead, addStep, input } = await setup()
    await addStep(ORDERS)
    const { id } = await requestRehearsal(lead, input)
    await db.rollbackRehearsal.update({
      where: { id },
      data: { status: 'RUNNING', workerId: randomUUID(), startedAt: new Date() },
    })
    expect(await failAbandonedRehearsals(60_000)).toBeGreaterThanOrEqual(1)
    expect(await db.rollbackRehearsal.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'FAILED',
      workerId: null,
      error: expect.stringMatching(/^The worker running this rehearsal stopped/),
    })
    expect((await auditEventsFor(id)).map((e) => e.action)).toEqual(['rehearsal.request', 'rehearsal.finish'])
    await requestRehearsal(lead, input)
  })
})
