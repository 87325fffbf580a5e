import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import type { TableProgress } from '@/lib/domain/step-details'
import { createEnvironment } from '@/lib/server/connections/commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddPhase, ZAddSqlStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addSqlStep } from '@/lib/server/plans/step-commands'
import { makeUser } from '@/lib/testing/factories'
import { runFiguresOf } from './run-figures'

// The run's figures beside its target's metrics: rows and their rate from the same interval, and only the
// figures that apply to the run.

const table = (name: string, rows: number, seconds: number): TableProgress => ({
  table: name,
  state: 'done',
  total: rows,
  written: rows,
  rejected: 0,
  rowsPerSecond: rows / seconds,
  etaSeconds: null,
  seconds,
})

async function finishedRun(steps: { kind: 'COPY' | 'OBSERVE'; seconds: number; tables?: TableProgress[] }[]) {
  const lead = await makeUser('LEAD')
  const { id: environmentId } = await createEnvironment(await makeUser('ADMIN'), {
    name: `figures-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Figures ${randomUUID()}` }))
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Copy' }))
  const { id: stepId } = await addSqlStep(
    lead,
    ZAddSqlStep.parse({ phaseId, name: 'A step', body: 'SELECT 1;', rollbackBody: '' }),
  )
  const start = new Date('2026-12-01T10:00:00.000Z')
  let at = start.getTime() + 200 // the run prepares for 0.2 s before its first step
  const stepRuns = steps.map((s, position) => {
    const startedAt = new Date(at)
    at += s.seconds * 1000
    return {
      stepId,
      position,
      name: `${s.kind} step`,
      kind: s.kind,
      body: '',
      config: {},
      checksum: 'x',
      status: 'SUCCEEDED' as const,
      startedAt,
      finishedAt: new Date(at),
      detail: s.tables ? { copyId: 'c', source: 's', mode: 'create', tables: s.tables } : { seconds: 1 },
    }
  })
  const run = await db.run.create({
    data: {
      planId,
      phaseId,
      environmentId,
      requestedById: lead.id,
      status: 'SUCCEEDED',
      startedAt: start,
      finishedAt: new Date(at + 200),
      steps: { create: stepRuns },
    },
  })
  return runFiguresOf(run.id)
}

describe('run figures', () => {
  it('give the copy’s rate over the copy’s own time, not over the sum of its tables’ parallel seconds', async () => {
    // Two tables loaded side by side in a 0.8 s copy: 0.7 s and 0.6 s of their own, 1.3 s together.
    const figures = await finishedRun([
      { kind: 'COPY', seconds: 0.8, tables: [table('orders', 12_000, 0.7), table('customers', 5_917, 0.6)] },
    ])
    expect(figures.elapsedSeconds).toBeCloseTo(1.2, 5)
    expect(figures.copy).toMatchObject({ rowsWritten: 17_917, rowsTotal: 17_917, rowsPerSecondNow: null })
    expect(figures.copy?.seconds).toBeCloseTo(0.8, 5)
    expect(figures.copy?.rowsPerSecond).toBeCloseTo(17_917 / 0.8, 5)
  })

  it('leave out the rows of a run that copies nothing', async () => {
    const figures = await finishedRun([{ kind: 'OBSERVE', seconds: 5 }])
    expect(figures.copy).toBeNull()
    expect(figures.stepsDone).toBe(1)
  })
})
