import { describe, expect, it } from 'vitest'
import { LARGE_PLAN_ITEMS, openPhaseIds, reorder, riskScore, riskSeverity, toggleOpenPhase } from './rules'

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

describe('openPhaseIds', () => {
  const phases = (itemCount: number) =>
    [
      { id: 'a', status: 'DONE' as const, itemCount },
      { id: 'b', status: 'IN_PROGRESS' as const, itemCount },
      { id: 'c', status: 'NOT_STARTED' as const, itemCount },
    ] as const

  it('opens every checklist of a plan of ordinary size', () => {
    expect([...openPhaseIds(phases(10), undefined)]).toEqual(['a', 'b', 'c'])
  })

  it('opens only the current phase of a large plan', () => {
    expect([...openPhaseIds(phases(LARGE_PLAN_ITEMS), undefined)]).toEqual(['b'])
    expect([
      ...openPhaseIds(
        phases(LARGE_PLAN_ITEMS).map((p) => ({ ...p, status: 'DONE' as const })),
        undefined,
      ),
    ]).toEqual([])
  })

  it('follows the request, ignoring ids of other plans', () => {
    expect([...openPhaseIds(phases(LARGE_PLAN_ITEMS), 'all')]).toEqual(['a', 'b', 'c'])
    expect([...openPhaseIds(phases(LARGE_PLAN_ITEMS), 'c,zzz,a')]).toEqual(['a', 'c'])
    expect([...openPhaseIds(phases(1), '')]).toEqual([])
  })

  it('toggles one phase, and says "all" when all are open', () => {
    const list = phases(1)
    expect(toggleOpenPhase(list, new Set(['b']), 'c')).toBe('b,c')
    expect(toggleOpenPhase(list, new Set(['b']), 'b')).toBe('')
    expect(toggleOpenPhase(list, new Set(['a', 'b']), 'c')).toBe('all')
  })
})
