import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddCopyStep, ZAddPhase, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addCopyStep } from '@/lib/server/plans/step-commands'
import { snapshotOf } from '@/lib/server/runs/content'
import { getRun } from '@/lib/server/runs/queries'
import { listCopyRejects } from '@/lib/server/runs/rejects'
import { getValidation } from '@/lib/server/validations/queries'
import { makeUser } from '@/lib/testing/factories'

// Stakeholders read counts, keys and column names – never a row's values, an error's text or connection
// details – from every read that carries them: a run (its errors and log), a copy's rejected rows, a
// validation's report. Rows are written here as the engine writes them.

const EMAIL = 'alice.private@example.com'
const INCOME = '183000'
const HOST = 'db-internal-7.corp.example'

async function setup() {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Customers ${randomUUID().slice(0, 8)}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Copy' }))
  const { id: stepId } = await addCopyStep(
    lead,
    ZAddCopyStep.parse({ phaseId, name: 'Copy customers', tables: 'customers', mode: 'create', reload: '' }),
  )
  const environment = await db.environment.create({ data: { name: `env-${randomUUID().slice(0, 8)}` } })
  const step = await db.step.findUniqueOrThrow({ where: { id: stepId } })
  const run = await db.run.create({
    data: {
      planId,
      phaseId,
      environmentId: environment.id,
      requestedById: lead.id,
      status: 'FAILED',
      error: `Step “Copy customers” failed: could not connect to ${HOST}:5432 as migrator`,
      steps: {
        create: [
          {
            ...snapshotOf(step, 0),
            status: 'FAILED',
            error: `value "${EMAIL}" is too long for type character varying(10)`,
          },
        ],
      },
      events: {
        create: [
          { level: 'info', message: 'Step “Copy customers” started.' },
          { level: 'warn', message: `Rejected ${EMAIL} in customers.email` },
          { level: 'error', message: `Run failed: connection to ${HOST} refused` },
        ],
      },
    },
    include: { steps: true },
  })
  const stepRunId = run.steps[0]?.id ?? ''
  await db.copyReject.create({
    data: {
      stepRunId,
      copyId: randomUUID(),
      tableName: 'customers',
      rowKey: '42',
      column: 'income',
      reason: `"${INCOME}x" is not a number (column type integer)`,
      value: `${INCOME}x`,
    },
  })
  const report: ValidationReport = {
    status: 'FAILED',
    source: 'crm',
    target: 'warehouse',
    tables: [
      {
        table: 'customers',
        state: 'MISMATCHED',
        sourceRows: 3,
        targetRows: 3,
        method: 'key-ranges',
        missing: 0,
        extra: 0,
        changed: 1,
        samples: [
          { kind: 'changed', key: '42', columns: [{ column: 'email', source: EMAIL, target: 'alice@example.com' }] },
        ],
        suspended: false,
        compared: 3,
        notes: [],
        seconds: 1,
      },
    ],
    integrity: [
      {
        kind: 'unique',
        table: 'customers',
        columns: ['email'],
        origin: 'source',
        count: 2,
        samples: [`${EMAIL} (2 rows)`],
      },
    ],
    integrityChecked: 3,
    rules: [
      {
        name: 'High incomes',
        severity: 'error',
        action: 'fail',
        violations: 1,
        samples: [{ id: '42', income: INCOME }],
        passed: false,
      },
    ],
    warnings: [`Rule “Rich”: invalid input syntax for type integer: "${INCOME}x"`],
    seconds: 2,
  }
  const validation = await db.validation.create({
    data: {
      planId,
      environmentId: environment.id,
      requestedById: lead.id,
      status: 'FAILED',
      report,
      error: `password authentication failed for user "migrator" on ${HOST}`,
    },
  })
  return { lead, runId: run.id, stepRunId, validationId: validation.id }
}

describe('what a stakeholder reads of a database', () => {
  it('a run: states and names, no error texts, no warnings or errors from the log', async () => {
    const { lead, runId } = await setup()
    const editor = await getRun(lead, runId)
    expect(JSON.stringify(editor)).toContain(HOST)
    expect(JSON.stringify(editor)).toContain(EMAIL)
    const stakeholder = await getRun(await makeUser('STAKEHOLDER'), runId)
    const seen = JSON.stringify(stakeholder)
    for (const secret of [HOST, EMAIL, 'migrator']) expect(seen).not.toContain(secret)
    expect(stakeholder).toMatchObject({
      status: 'FAILED',
      error: 'The run stopped with an error; editors can read it.',
      steps: [
        { name: 'Copy customers', status: 'FAILED', error: 'The step stopped with an error; editors can read it.' },
      ],
    })
    expect(stakeholder.events.map((e) => e.message)).toEqual([
      'Step “Copy customers” started.',
      'A warning was recorded here; editors can read it.',
      'An error was recorded here; editors can read it.',
    ])
  })

  it('a copy’s rejected rows: tables, columns, keys and counts, never the value or a reason quoting it', async () => {
    const { lead, runId, stepRunId } = await setup()
    expect((await listCopyRejects(lead, runId, { step: stepRunId })).rows[0]).toMatchObject({
      value: `${INCOME}x`,
      reason: expect.stringContaining(INCOME),
    })
    const seen = await listCopyRejects(await makeUser('STAKEHOLDER'), runId, { step: stepRunId })
    expect(JSON.stringify(seen)).not.toContain(INCOME)
    expect(seen).toMatchObject({
      total: 1,
      groups: [{ table: 'customers', column: 'income', rows: 1 }],
      rows: [{ table: 'customers', key: '42', column: 'income', value: null }],
    })
  })

  it('a validation: counts, states, keys and column names; no differing values, no samples, no error texts', async () => {
    const { lead, validationId } = await setup()
    const editor = JSON.stringify(await getValidation(lead, validationId))
    for (const value of [EMAIL, INCOME, HOST]) expect(editor).toContain(value)
    const seen = await getValidation(await makeUser('STAKEHOLDER'), validationId)
    const text = JSON.stringify(seen)
    for (const value of [EMAIL, INCOME, HOST, 'migrator', 'alice@example.com']) expect(text).not.toContain(value)
    expect(seen.report?.tables[0]).toMatchObject({
      table: 'customers',
      state: 'MISMATCHED',
      changed: 1,
      samples: [{ kind: 'changed', key: '42', columns: [{ column: 'email', source: null, target: null }] }],
    })
    expect(seen.report?.integrity[0]).toMatchObject({ kind: 'unique', columns: ['email'], count: 2, samples: [] })
    expect(seen.report?.rules[0]).toMatchObject({ name: 'High incomes', violations: 1, samples: [], passed: false })
    expect(seen.report?.warnings).toEqual(['1 warning; editors can read it.'])
  })
})
