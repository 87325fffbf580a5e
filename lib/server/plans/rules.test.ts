import { describe, expect, it } from 'vitest'
import { phaseStatus, planProgress, reorder, riskScore, riskSeverity } from './rules'

describe('phaseStatus', () => {
  const base = { blockedReason: null, completedAt: null, itemsDone: 0, itemsTotal: 3 }
  it('follows the checklist until completed, and a block overrides everything', () => {
    expect(phaseStatus(base)).toBe('NOT_STARTED')
    expect(phaseStatus({ ...base, itemsDone: 1 })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...base, itemsDone: 3 })).toBe('IN_PROGRESS')
    expect(phaseStatus({ ...base, itemsDone: 3, completedAt: new Date() })).toBe('DONE')
    expect(phaseStatus({ ...base, completedAt: new Date(), blockedReason: 'vendor outage' })).toBe('BLOCKED')
  })
})

describe('planProgress', () => {
  it('counts checklist items, or completed phases when there are no items', () => {
    expect(planProgress({ itemsDone: 1, itemsTotal: 3, phasesDone: 0, phasesTotal: 2 })).toBe(33)
    expect(planProgress({ itemsDone: 0, itemsTotal: 0, phasesDone: 1, phasesTotal: 4 })).toBe(25)
    expect(planProgress({ itemsDone: 0, itemsTotal: 0, phasesDone: 0, phasesTotal: 0 })).toBe(0)
  })
})

describe('risk scoring', () => {
  it('multiplies impact by likelihood', () => {
    expect(riskScore('LOW', 'RARE')).toBe(1)
    expect(riskScore('CRITICAL', 'ALMOST_CERTAIN')).toBe(20)
    expect(riskScore('HIGH', 'POSSIBLE')).toBe(9)
  })
  it('bands scores into severities', () => {
    expect([1, 4, 8, 15, 20].map(riskSeverity)).toEqual(['low', 'moderate', 'high', 'critical', 'critical'])
  })
})

describe('reorder', () => {
  it('moves one element and clamps at the ends', () => {
    expect(reorder(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
    expect(reorder(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c'])
    expect(reorder(['a', 'b', 'c'], 0, 5)).toEqual(['b', 'c', 'a'])
  })
})
