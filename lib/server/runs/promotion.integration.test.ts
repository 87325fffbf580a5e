import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { executeRun } from '@/lib/engine/runs'
import { movePlanEnvironment, setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { listPlanEnvironments } from '@/lib/server/plans/queries'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { cancelRun, startRun } from '@/lib/server/runs/commands'
import { getPromotionGridForViewer } from '@/lib/server/runs/promotion-grid'
import { getRun } from '@/lib/server/runs/queries'
import { retryRun } from '@/lib/server/runs/resolve'
import { phaseChecksum } from '@/lib/server/step-content'
import { RUN_STEPS } from '@/lib/server/runs/content'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { queryDatabase } from '@/lib/testing/fresh-database'
import { ownRuns } from '@/lib/testing/own-runs'
import { environmentWithTarget } from '@/lib/testing/plan-setup'

// Promotion: a phase runs on an environment only after the same content succeeded on the previous environment of
// the plan's order; dry runs are exempt; a DBA – and only a DBA, by the role the database holds – may start one run
// without it, with a reason kept on the run and in the audit log.

type User = Awaited<ReturnType<typeof makeUser>>

const runs = ownRuns()

/** Executes this file's run as a worker would, after claiming it. */
async function work(runId: string) {
  expect(await runs.claim('promotion-test-worker')).toBe(runId)
  return executeRun(runId)
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error & { code?: string }
}

const currentChecksum = async (phaseId: string) =>
  phaseChecksum(await db.step.findMany({ where: { phaseId, ...RUN_STEPS.where }, orderBy: RUN_STEPS.orderBy }))

async function setup() {
  const [admin, lead, dba, stakeholder] = await Promise.all([
    makeUser('ADMIN'),
    makeUser('LEAD'),
    makeUser('DBA'),
    makeUser('STAKEHOLDER'),
  ])
  const staging = await environmentWithTarget(admin, 'staging')
  const prod = await environmentWithTarget(admin, 'prod')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Promotion ${randomUUID()}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await addSqlStep(
    lead,
    ZAddSqlStep.parse({
      phaseId,
      name: 'Create orders',
      body: 'CREATE TABLE orders (id int PRIMARY KEY);',
      rollbackBody: 'DROP TABLE orders;',
    }),
  )
  // Staging given first, production second: that is the order.
  for (const env of [staging, prod])
    await setPlanEnvironment(lead, {
      planId,
      environmentId: env.environmentId,
      sourceConnectionId: null,
      targetConnectionId: env.connectionId,
    })
  const start = (actor: User, environmentId: string, more: { dryRun?: boolean; reason?: string } = {}) =>
    startRun(actor, {
      planId,
      phaseId,
      environmentId,
      dryRun: more.dryRun ?? false,
      promotionOverrideReason: more.reason ?? null,
    }).then(runs.track)
  const runCount = () => db.run.count({ where: { phaseId, environmentId: prod.environmentId, dryRun: false } })
  return { lead, dba, stakeholder, staging, prod, planId, phaseId, start, runCount }
}

describe('promotion through the plan’s environments', () => {
  it('refuses a phase on production until the same scripts succeeded on staging; a dry run needs no promotion', async () => {
    const { lead, dba, staging, prod, phaseId, start, runCount } = await setup()
    const v1 = await currentChecksum(phaseId)

    // Never ran on staging.
    const never = await refusal(start(lead, prod.environmentId))
    expect(never.message).toBe(
      `“Schema” cannot run on “${prod.name}” yet: it must first succeed on “${staging.name}”, the environment before it in this plan's order, with the same scripts, and it never ran there. Run it on “${staging.name}” first; a DBA can start it anyway with a written reason.`,
    )
    expect(await runCount()).toBe(0)

    // A dry run changes nothing: allowed without promotion.
    const dry = await start(lead, prod.environmentId, { dryRun: true })
    expect(await db.run.findUniqueOrThrow({ where: { id: dry.id } })).toMatchObject({
      dryRun: true,
      promotionOverrideReason: null,
    })
    await cancelRun(lead, dry.id)

    // Ran on staging with other scripts: the phase had one step when it succeeded there, now it has two.
    expect(await work((await start(lead, staging.environmentId)).id)).toBe('SUCCEEDED')
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId,
        name: 'Create items',
        body: 'CREATE TABLE items (id int PRIMARY KEY);',
        rollbackBody: 'DROP TABLE items;',
      }),
    )
    const v2 = await currentChecksum(phaseId)
    const other = await refusal(start(lead, prod.environmentId))
    expect(other.message).toContain(
      `it ran there with other scripts – checksum ${v1.slice(0, 8)} there, ${v2.slice(0, 8)} now`,
    )
    expect(await runCount()).toBe(0)

    // Failed on staging with these scripts (someone made "items" there by hand).
    await queryDatabase(staging.url, 'CREATE TABLE items (id int PRIMARY KEY)')
    const failing = await start(lead, staging.environmentId)
    expect(await work(failing.id)).toBe('FAILED')
    const failed = await refusal(start(lead, prod.environmentId))
    expect(failed.message).toContain(`“${staging.name}”`)
    expect(failed.message).toContain(`it failed there (checksum ${v2.slice(0, 8)})`)
    expect(await runCount()).toBe(0)

    // Succeeded on staging with exactly these scripts: production may run them.
    await queryDatabase(staging.url, 'DROP TABLE items')
    await retryRun(dba, failing.id)
    expect(await work(failing.id)).toBe('SUCCEEDED')
    const promoted = await start(lead, prod.environmentId)
    expect(await db.run.findUniqueOrThrow({ where: { id: promoted.id } })).toMatchObject({
      contentChecksum: v2,
      promotionOverrideReason: null,
      promotionSkippedEnvironment: null,
    })
    expect(await work(promoted.id)).toBe('SUCCEEDED')
  }, 120_000)

  it('lets a DBA start one run without promotion, with a reason kept on the run and audited; a lead cannot', async () => {
    const { lead, dba, stakeholder, staging, prod, planId, phaseId, start, runCount } = await setup()

    // A lead's reason does not make them a DBA.
    const byLead = await refusal(start(lead, prod.environmentId, { reason: 'urgent hotfix' }))
    expect(byLead.code).toBe('FORBIDDEN')
    expect(byLead.message).toBe(
      `Only a DBA can start “Schema” on “${prod.name}” without promotion through “${staging.name}”.`,
    )
    expect(await runCount()).toBe(0)

    // A DBA without a reason hears the rule like everyone.
    expect((await refusal(start(dba, prod.environmentId))).message).toContain('it never ran there')

    const reason = 'Staging is down for maintenance; the change was reviewed in CR-1234.'
    const run = await start(dba, prod.environmentId, { reason })
    expect(await db.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      requestedById: dba.id,
      promotionOverrideReason: reason,
      promotionSkippedEnvironment: staging.name,
    })
    const audit = (await auditEventsFor(run.id)).find((e) => e.action === 'run.overridePromotion')
    expect(audit).toMatchObject({
      actorId: dba.id,
      planId,
      after: expect.objectContaining({ skipped: staging.name, reason, environment: prod.name, phase: 'Schema' }),
    })
    // The run page says so, to every role that reads runs.
    expect((await getRun(stakeholder, run.id)).promotionOverride).toEqual({
      skipped: staging.name,
      byName: dba.name,
      reason,
    })
    expect((await getRun(lead, run.id)).events.map((e) => e.message)).toContain(
      `Promoted without “${staging.name}” by ${dba.name}: ${reason}`,
    )

    // The override was for that one run: the next start is refused again.
    expect(await work(run.id)).toBe('SUCCEEDED')
    expect((await refusal(start(lead, prod.environmentId))).message).toContain('it never ran there')

    // The grid, as a stakeholder reads it: production succeeded (without promotion), still blocked by staging.
    const grid = await getPromotionGridForViewer(stakeholder, planId)
    expect(grid.environments.map((e) => e.name)).toEqual([staging.name, prod.name])
    expect(grid.phases).toHaveLength(1)
    expect(grid.phases[0]?.id).toBe(phaseId)
    expect(grid.phases[0]?.cells).toMatchObject([
      { environmentId: staging.environmentId, latest: null, isStale: false, blockedBy: null },
      {
        environmentId: prod.environmentId,
        latest: { id: run.id, status: 'SUCCEEDED', overridden: true },
        isStale: false,
        blockedBy: null,
      },
    ])

    // The role is re-read from the database: a DBA demoted since their session began overrides nothing.
    await db.user.update({ where: { id: dba.id }, data: { role: 'LEAD' } })
    expect((await refusal(start(dba, prod.environmentId, { reason }))).code).toBe('FORBIDDEN')
    await db.user.update({ where: { id: dba.id }, data: { role: 'DBA' } })
  }, 120_000)

  it('reorders the plan’s environments, audited, and promotion follows the new order', async () => {
    const { lead, stakeholder, staging, prod, planId, start } = await setup()
    const order = async () =>
      (await listPlanEnvironments(lead, planId)).filter((e) => e.order !== null).map((e) => e.environment.name)
    expect(await order()).toEqual([staging.name, prod.name])
    await expect(
      movePlanEnvironment(stakeholder, { planId, environmentId: prod.environmentId, direction: 'up' }),
    ).rejects.toThrow()

    await movePlanEnvironment(lead, { planId, environmentId: prod.environmentId, direction: 'up' })
    expect(await order()).toEqual([prod.name, staging.name])
    const moves = await db.auditEvent.findMany({ where: { planId, action: 'plan.environment.move' } })
    expect(moves).toHaveLength(1)
    expect(moves[0]).toMatchObject({
      actorId: lead.id,
      before: { order: [staging.name, prod.name] },
      after: { order: [prod.name, staging.name] },
    })
    // Moving the first one up changes nothing and records nothing.
    await movePlanEnvironment(lead, { planId, environmentId: prod.environmentId, direction: 'up' })
    expect(await db.auditEvent.count({ where: { planId, action: 'plan.environment.move' } })).toBe(1)

    // Production is now first and staging needs it.
    expect((await refusal(start(lead, staging.environmentId))).message).toContain(
      `it must first succeed on “${prod.name}”`,
    )
    const first = await start(lead, prod.environmentId)
    expect(await work(first.id)).toBe('SUCCEEDED')
    await cancelRun(lead, (await start(lead, staging.environmentId)).id)
  }, 120_000)
})
