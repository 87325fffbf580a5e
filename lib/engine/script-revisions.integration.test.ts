import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { parsePlanDocument } from '@/lib/plan-document/parse'
import { importPlanDocument } from '@/lib/server/plans/documents'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan, ZEditSqlStep } from '@/lib/server/plans/schemas'
import { addSqlStep, editSqlStep } from '@/lib/server/plans/step-commands'
import { acceptChecksum, restoreRevision } from '@/lib/server/revisions/commands'
import { getStepRevisionsForViewer } from '@/lib/server/revisions/queries'
import { getRun } from '@/lib/server/runs/queries'
import { startRun as startAnyRun } from '@/lib/server/runs/commands'
import { scriptChecksum, scriptsChecksum } from '@/lib/server/step-content'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { queryDatabase } from '@/lib/testing/fresh-database'
import { ownRuns } from '@/lib/testing/own-runs'
import { environmentWithTarget } from '@/lib/testing/plan-setup'
import { executeRun } from './runs'

// Script revisions (lib/server/revisions): a revision per save, exact restores, the warning before an
// applied script changes, and a DBA's acceptance of a new checksum that the engine honours for exactly
// the two texts it was given for.

const own = ownRuns()
const startRun = async (...args: Parameters<typeof startAnyRun>) => own.track(await startAnyRun(...args))

const ORDERS = 'CREATE TABLE orders (id int PRIMARY KEY);'
const ORDERS_COMMENTED = '-- orders of the shop\nCREATE TABLE orders (id int PRIMARY KEY);'

async function setup() {
  const dba = await makeUser('DBA')
  const lead = await makeUser('LEAD')
  const {
    environmentId,
    connectionId,
    name,
    url: targetUrl,
  } = await environmentWithTarget(await makeUser('ADMIN'), 'staging')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Revisions ${name}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema' }))
  await setPlanEnvironment(lead, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  const { id: stepId } = await addSqlStep(
    lead,
    ZAddSqlStep.parse({ phaseId, name: 'Orders', body: ORDERS, rollbackBody: 'DROP TABLE orders;' }),
  )
  const edit = (body: string, more: Record<string, string> = {}) =>
    editSqlStep(lead, ZEditSqlStep.parse({ stepId, name: 'Orders', body, rollbackBody: 'DROP TABLE orders;', ...more }))
  const run = async () => {
    const { id } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false })
    const claimed = await own.claim(`revisions-worker-${randomUUID().slice(0, 8)}`)
    expect(claimed).toBe(id)
    return { id, status: await executeRun(id) }
  }
  const history = () =>
    queryDatabase<{ checksum: string }>(
      targetUrl,
      `SELECT checksum FROM lockstep.schema_history WHERE version = 'step-${stepId}'`,
    )
  return { dba, lead, name, environmentId, planId, phaseId, stepId, edit, run, history, targetUrl }
}

const revisionsOf = (stepId: string) => db.scriptRevision.findMany({ where: { stepId }, orderBy: { number: 'asc' } })

describe('script revisions', () => {
  it('keeps a revision per save of the scripts, with its author and audit event; a save that changes neither keeps none', async () => {
    const { lead, stepId, edit } = await setup()
    await edit('CREATE TABLE orders (id bigint PRIMARY KEY);')
    await editSqlStep(
      lead,
      ZEditSqlStep.parse({
        stepId,
        name: 'Orders renamed',
        body: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
        rollbackBody: 'DROP TABLE orders;',
      }),
    )
    const revisions = await revisionsOf(stepId)
    expect(revisions.map((r) => [r.number, r.origin, r.authorLabel])).toEqual([
      [1, 'created', lead.email],
      [2, 'edited', lead.email],
    ])
    expect(revisions[1]?.scriptsChecksum).toBe(
      scriptsChecksum({ body: 'CREATE TABLE orders (id bigint PRIMARY KEY);', rollbackBody: 'DROP TABLE orders;' }),
    )
    const audits = await auditEventsFor(stepId)
    expect(
      audits.filter((a) => a.action === 'step.update').map((a) => (a.after as { revision?: number }).revision),
    ).toEqual([2, undefined])
  })

  it('a document import starts each SQL step with revision 1', async () => {
    const lead = await makeUser('LEAD')
    const doc = parsePlanDocument(
      readFileSync(join(import.meta.dirname, '../plan-document/fixtures', 'zero-downtime-data-migration.md')),
    )
    const { id: planId } = await importPlanDocument(lead, doc)
    const steps = await db.step.findMany({ where: { planId, kind: 'SQL' }, include: { revisions: true } })
    expect(steps.length).toBeGreaterThan(0)
    for (const step of steps)
      expect(step.revisions.map((r) => [r.number, r.origin, r.scriptsChecksum])).toEqual([
        [1, 'imported', scriptsChecksum(step)],
      ])
  })

  it('restores a revision exactly: the scripts checksum equals the revision’s, as a new audited revision', async () => {
    const { lead, planId, stepId, edit } = await setup()
    await edit('CREATE TABLE orders (id bigint);')
    const [first] = await revisionsOf(stepId)
    if (!first) throw new Error('no revision')
    await expect(
      restoreRevision(await makeUser('STAKEHOLDER'), { stepId, revisionId: first.id }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await restoreRevision(lead, { stepId, revisionId: first.id })).toEqual({ number: 3 })
    const step = await db.step.findUniqueOrThrow({ where: { id: stepId } })
    expect(scriptsChecksum(step)).toBe(first.scriptsChecksum)
    expect((await revisionsOf(stepId)).at(-1)).toMatchObject({ number: 3, origin: 'restored', restoredFrom: 1 })
    expect(await auditEventsFor(stepId)).toContainEqual(
      expect.objectContaining({
        action: 'step.restore-revision',
        after: expect.objectContaining({ revision: 3, restoredFrom: 1 }),
      }),
    )
    // Restoring the text it already has changes nothing.
    await expect(restoreRevision(lead, { stepId, revisionId: first.id })).rejects.toMatchObject({ code: 'CONFLICT' })
    const page = await getStepRevisionsForViewer(lead, planId, stepId)
    expect(page.currentNumber).toBe(3)
  })

  it('warns before an applied script changes, naming where it ran; “add as a new step” leaves the applied one as it is', async () => {
    const { lead, name, phaseId, stepId, edit, run } = await setup()
    expect((await run()).status).toBe('SUCCEEDED')
    // Only the rollback script changes: the applied script is the same, no warning.
    await editSqlStep(
      lead,
      ZEditSqlStep.parse({ stepId, name: 'Orders', body: ORDERS, rollbackBody: 'DROP TABLE IF EXISTS orders;' }),
    )
    const error = await edit('CREATE TABLE orders (id int PRIMARY KEY);\nCREATE INDEX orders_id ON orders (id);').catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      code: 'INVALID',
      fieldErrors: { appliedDecision: [expect.stringContaining(`already ran on ${name}`)] },
    })
    expect((await db.step.findUniqueOrThrow({ where: { id: stepId } })).body).toBe(ORDERS)
    const { id: added } = await edit('CREATE INDEX orders_id ON orders (id);', { appliedDecision: 'new-step' })
    expect(added).not.toBe(stepId)
    const steps = await db.step.findMany({ where: { phaseId }, orderBy: { position: 'asc' } })
    expect(steps.map((s) => [s.name, s.body])).toEqual([
      ['Orders', ORDERS],
      ['Orders (change)', 'CREATE INDEX orders_id ON orders (id);'],
    ])
    expect((await run()).status).toBe('SUCCEEDED')
  })

  it('line breaks a form sends as CRLF are no change to an applied script: no revision, no warning; a new text is kept with LF', async () => {
    const { stepId, edit, run } = await setup()
    await edit(ORDERS_COMMENTED)
    expect((await run()).status).toBe('SUCCEEDED')
    await edit(ORDERS_COMMENTED.replace(/\n/g, '\r\n'))
    expect((await db.step.findUniqueOrThrow({ where: { id: stepId } })).body).toBe(ORDERS_COMMENTED)
    expect((await revisionsOf(stepId)).map((r) => r.number)).toEqual([1, 2])
    // A new text sent with CRLF is kept with LF.
    await edit(`${ORDERS_COMMENTED}\r\n-- more`, { appliedDecision: 'edit' })
    expect((await db.step.findUniqueOrThrow({ where: { id: stepId } })).body).toBe(`${ORDERS_COMMENTED}\n-- more`)
  })

  it('a changed applied script is refused at run time until a DBA accepts exactly its new checksum; the engine then updates the history row', async () => {
    const { dba, lead, name, environmentId, planId, stepId, edit, run, history } = await setup()
    const first = await run()
    expect(first.status).toBe('SUCCEEDED')
    expect(await history()).toEqual([{ checksum: scriptChecksum(ORDERS) }])
    await edit(ORDERS_COMMENTED, { appliedDecision: 'edit' })

    const refused = await run()
    expect(refused.status).toBe('FAILED')
    const failed = (await getRun(lead, refused.id)).steps[0]
    expect(failed?.error).toContain('changed after it ran')
    // The failure links to the diff of the applied revision (1) and the text the run was given (2).
    expect(failed?.changedScript).toEqual({
      href: `/plans/${planId}/steps/${stepId}?from=1&to=2#diff`,
      environmentName: name,
    })
    const page = await getStepRevisionsForViewer(lead, planId, stepId)
    expect(page.applied).toEqual([
      expect.objectContaining({ environmentName: name, revisionNumber: 1, isChanged: true, accepted: null }),
    ])
    expect(page.canAccept).toBe(false)

    // A lead may not accept; a DBA may, with a reason, audited.
    const input = { stepId, environmentId, reason: 'Only a comment was added.' }
    await expect(acceptChecksum(lead, input)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await acceptChecksum(dba, input)
    await expect(acceptChecksum(dba, input)).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await auditEventsFor(stepId)).toContainEqual(
      expect.objectContaining({
        action: 'step.accept-checksum',
        actorLabel: dba.email,
        after: expect.objectContaining({
          environment: name,
          fromChecksum: scriptChecksum(ORDERS),
          toChecksum: scriptChecksum(ORDERS_COMMENTED),
          reason: 'Only a comment was added.',
        }),
      }),
    )

    // An acceptance for other texts changes nothing: a third text is still refused, and the row keeps its checksum.
    await edit(`${ORDERS_COMMENTED}\n-- and another comment`, { appliedDecision: 'edit' })
    expect((await run()).status).toBe('FAILED')
    expect(await history()).toEqual([{ checksum: scriptChecksum(ORDERS) }])

    // Back to the accepted text: the run goes through, updates the history row and says who accepted it and why.
    await edit(ORDERS_COMMENTED, { appliedDecision: 'edit' })
    const accepted = await run()
    expect(accepted.status).toBe('SUCCEEDED')
    expect(await history()).toEqual([{ checksum: scriptChecksum(ORDERS_COMMENTED) }])
    const events = await db.runEvent.findMany({ where: { runId: accepted.id }, select: { message: true } })
    expect(events.map((e) => e.message)).toContainEqual(
      expect.stringMatching(new RegExp(`the DBA ${dba.email} accepted its new checksum .*Only a comment was added`)),
    )
    const after = await getStepRevisionsForViewer(lead, planId, stepId)
    expect(after.applied).toEqual([expect.objectContaining({ isChanged: false })])
  })
})
