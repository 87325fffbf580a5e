import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { executeRun } from '@/lib/engine/runs'
import { addItem, setItemDone } from '@/lib/server/plans/checklist-commands'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase, completePhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { getPlanForViewer, listPlansForViewer } from '@/lib/server/plans/queries'
import { ZAddItem, ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { getPlanReport, listPortfolio } from '@/lib/server/reports/queries'
import { startRun } from '@/lib/server/runs/commands'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { environmentWithTarget } from '@/lib/testing/plan-setup'

// The team story's truth: a plan's phases and progress follow its runs as well as its checklists, and the plan
// page, the plan list, the status report and the portfolio say the same.

/** Claims this queued run as a worker does (claimRun takes the oldest anywhere, maybe another file's) and executes it. */
async function work(runId: string) {
  const claimed =
    await db.$executeRaw`UPDATE "Run" SET "status" = 'RUNNING', "workerId" = 'progress-test-worker', "startedAt" = now(), "updatedAt" = now() WHERE "id" = ${runId}::uuid AND "status" = 'QUEUED'`
  expect(claimed).toBe(1)
  return executeRun(runId)
}

describe('progress follows runs', () => {
  it('moves the phases, the plan and every view of it together as runs succeed and fail', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    const stakeholder = await makeUser('STAKEHOLDER')
    const staging = await environmentWithTarget(admin, 'staging')
    const prod = await environmentWithTarget(admin, 'prod')
    const title = `Progress ${randomUUID()}`
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title }))
    const { id: upgrade } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema upgrade' }))
    const { id: cutover } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Cutover' }))
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId: upgrade,
        name: 'Create orders',
        body: 'CREATE TABLE orders (id int PRIMARY KEY);',
        rollbackBody: 'DROP TABLE orders;',
      }),
    )
    await addSqlStep(
      lead,
      ZAddSqlStep.parse({
        phaseId: cutover,
        name: 'Broken',
        body: 'ALTER TABLE no_such_table ADD COLUMN x int;',
        rollbackBody: '',
      }),
    )
    const { id: signOff } = await addItem(
      lead,
      ZAddItem.parse({ phaseId: upgrade, text: 'Sign-off from the owner', isRequired: 'on' }),
    )
    // Staging first, production last: the plan's last environment is where a phase counts as done.
    for (const env of [staging, prod])
      await setPlanEnvironment(lead, {
        planId,
        environmentId: env.environmentId,
        sourceConnectionId: null,
        targetConnectionId: env.connectionId,
      })

    const views = async () => {
      const page = await getPlanForViewer(lead, planId)
      const list = (await listPlansForViewer(lead, { q: title })).plans[0]
      const report = await getPlanReport(stakeholder, planId)
      const portfolio = (await listPortfolio(stakeholder)).find((p) => p.id === planId)
      // Every view agrees, for every role that reads it.
      expect([list?.progress, report.progress, portfolio?.progress]).toEqual([
        page.progress,
        page.progress,
        page.progress,
      ])
      expect(report.phases.map((p) => p.status)).toEqual(page.phases.map((p) => p.status))
      return {
        status: page.status,
        progress: page.progress,
        phases: page.phases.map((p) => p.status),
        verdict: report.verdict.status,
        actual: report.phases.map((p) => [!!p.actualStart, !!p.actualEnd]),
        page,
      }
    }

    expect(await views()).toMatchObject({
      status: 'DRAFT',
      progress: 0,
      phases: ['NOT_STARTED', 'NOT_STARTED'],
      verdict: 'ON_TRACK',
    })

    const first = await startRun(lead, {
      planId,
      phaseId: upgrade,
      environmentId: staging.environmentId,
      dryRun: false,
    })
    let now = await views()
    // Queued, not started: in progress, but no actual start until a worker starts it.
    expect(now).toMatchObject({
      status: 'ACTIVE',
      phases: ['IN_PROGRESS', 'NOT_STARTED'],
      actual: [
        [false, false],
        [false, false],
      ],
    })
    expect(now.page.phases[0]?.activeRunOn).toMatch(/^staging-/)
    expect((await auditEventsFor(planId)).map((e) => e.action)).toContain('plan.activate')
    await expect(completePhase(lead, { phaseId: upgrade })).rejects.toThrow(
      /cannot be marked done while its run on “staging-.*” is queued/,
    )

    expect(await work(first.id)).toBe('SUCCEEDED')
    now = await views()
    // Succeeded on staging only: started, not done, none of its steps done where it counts.
    expect(now).toMatchObject({
      phases: ['IN_PROGRESS', 'NOT_STARTED'],
      progress: 0,
      actual: [
        [true, false],
        [false, false],
      ],
    })
    expect(now.page.phases[0]).toMatchObject({
      stepsDone: 0,
      stepCount: 1,
      lastEnvironment: expect.stringMatching(/^prod-/),
      activeRunOn: null,
    })

    const second = await startRun(lead, { planId, phaseId: upgrade, environmentId: prod.environmentId, dryRun: false })
    expect(await work(second.id)).toBe('SUCCEEDED')
    now = await views()
    // Every step ran on production, but a required item is still open: in progress, its step counted (1 of 3 units).
    expect(now).toMatchObject({ phases: ['IN_PROGRESS', 'NOT_STARTED'], progress: 33 })
    await setItemDone(lead, { itemId: signOff, done: true })
    now = await views()
    expect(now).toMatchObject({
      phases: ['DONE', 'NOT_STARTED'],
      progress: 66,
      actual: [
        [true, true],
        [false, false],
      ],
    })

    // Promotion: the cutover has to get through staging first, and fails there.
    const broken = await startRun(lead, {
      planId,
      phaseId: cutover,
      environmentId: staging.environmentId,
      dryRun: false,
    })
    expect(await work(broken.id)).toBe('FAILED')
    now = await views()
    expect(now).toMatchObject({ phases: ['DONE', 'FAILED'], progress: 66, verdict: 'BLOCKED' })
  }, 120_000)
})
