import { describe, expect, it } from 'vitest'
import { phaseStatus, planProgress, stepsDone, type PhaseFacts } from './progress'

const base: PhaseFacts = {
  blockedReason: null,
  completedAt: null,
  itemsDone: 0,
  itemsTotal: 3,
  requiredOpen: 0,
  steps: 0,
  latestRuns: [],
  finalRun: null,
}
const ran = (status: PhaseFacts['latestRuns'][number]['status'], environment = 'prod') => ({
  latestRuns: [{ status, environment }],
})

describe('phaseStatus', () => {
  it('follows the checklist until completed, and a block overrides everything', () => {
    expect(phaseStatus(base)).toBe('NOT_STARTED')
    expect(phaseStatus({ ...base, itemsDone: 1 })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...base, itemsDone: 3 })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...base, itemsDone: 3, completedAt: new Date() })).toBe('DONE')
    expect(phaseStatus({ ...base, completedAt: new Date(), blockedReason: 'vendor outage' })).toBe('BLOCKED')
  })

  it('follows its runs: started, failed, and done once every step ran on the last environment', () => {
    const steps = { ...base, steps: 3 }
    expect(phaseStatus({ ...steps, ...ran('QUEUED') })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...steps, ...ran('WAITING'), finalRun: { status: 'WAITING', stepsDone: 1 } })).toBe(
      'IN_PROGRESS',
    )
    expect(phaseStatus({ ...steps, ...ran('SUCCEEDED', 'staging') })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...steps, ...ran('FAILED', 'staging') })).toBe('FAILED')
    expect(phaseStatus({ ...steps, ...ran('ROLLBACK_FAILED') })).toBe('FAILED')
    expect(phaseStatus({ ...steps, ...ran('SUCCEEDED'), finalRun: { status: 'SUCCEEDED', stepsDone: 3 } })).toBe('DONE')
  })

  it('waits for required items before a run makes it done', () => {
    const succeeded = {
      ...base,
      steps: 2,
      ...ran('SUCCEEDED'),
      finalRun: { status: 'SUCCEEDED' as const, stepsDone: 2 },
    }
    expect(phaseStatus({ ...succeeded, requiredOpen: 1 })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...succeeded, requiredOpen: 0 })).toBe('DONE')
    expect(phaseStatus({ ...succeeded, blockedReason: 'waiting for sign-off' })).toBe('BLOCKED')
  })
})

describe('stepsDone', () => {
  it('counts what the last environment’s latest run got through, all of a done phase', () => {
    expect(stepsDone({ ...base, steps: 4, finalRun: { status: 'RUNNING', stepsDone: 2 } })).toBe(2)
    expect(stepsDone({ ...base, steps: 4, finalRun: { status: 'FAILED', stepsDone: 6 } })).toBe(4)
    expect(stepsDone({ ...base, steps: 4, completedAt: '2026-12-01T00:00:00Z' })).toBe(4)
    expect(stepsDone({ ...base, steps: 4, ...ran('SUCCEEDED', 'staging') })).toBe(0)
  })
})

describe('planProgress', () => {
  it('counts checklist items and steps, or completed phases when there are neither', () => {
    expect(
      planProgress({ itemsDone: 1, itemsTotal: 3, stepsDone: 0, stepsTotal: 0, phasesDone: 0, phasesTotal: 2 }),
    ).toBe(33)
    expect(
      planProgress({ itemsDone: 0, itemsTotal: 0, stepsDone: 3, stepsTotal: 4, phasesDone: 0, phasesTotal: 2 }),
    ).toBe(75)
    expect(
      planProgress({ itemsDone: 1, itemsTotal: 1, stepsDone: 0, stepsTotal: 1, phasesDone: 0, phasesTotal: 1 }),
    ).toBe(50)
    expect(
      planProgress({ itemsDone: 0, itemsTotal: 0, stepsDone: 0, stepsTotal: 0, phasesDone: 1, phasesTotal: 4 }),
    ).toBe(25)
    expect(
      planProgress({ itemsDone: 0, itemsTotal: 0, stepsDone: 0, stepsTotal: 0, phasesDone: 0, phasesTotal: 0 }),
    ).toBe(0)
  })
  it('never rounds unfinished work up to 100 %', () => {
    expect(
      planProgress({ itemsDone: 199, itemsTotal: 200, stepsDone: 0, stepsTotal: 0, phasesDone: 0, phasesTotal: 1 }),
    ).toBe(99)
  })
})
