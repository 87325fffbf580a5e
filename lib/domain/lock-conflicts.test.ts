import { describe, expect, it } from 'vitest'
import { LOCK_MODES } from './lint-report'
import { conflicts, isStrongLock, LOCK_CONFLICTS, lockImpact } from './lock-conflicts'

describe('lock conflicts', () => {
  it('is symmetric, as PostgreSQL documents it', () => {
    for (const a of LOCK_MODES)
      for (const b of LOCK_MODES) expect([a, b, conflicts(a, b)]).toEqual([a, b, conflicts(b, a)])
  })

  it('follows the documented table row by row (counts of conflicting modes)', () => {
    expect(LOCK_MODES.map((m) => LOCK_CONFLICTS[m].length)).toEqual([1, 2, 4, 5, 5, 6, 7, 8])
    expect(conflicts('SHARE', 'SHARE')).toBe(false)
    expect(conflicts('SHARE UPDATE EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE')).toBe(true)
    expect(conflicts('ROW EXCLUSIVE', 'ROW EXCLUSIVE')).toBe(false)
  })

  it('says what each mode makes the application wait for', () => {
    expect(Object.fromEntries(LOCK_MODES.map((m) => [m, lockImpact(m)]))).toEqual({
      'ACCESS SHARE': 'none',
      'ROW SHARE': 'none',
      'ROW EXCLUSIVE': 'schema',
      'SHARE UPDATE EXCLUSIVE': 'schema',
      SHARE: 'writes',
      'SHARE ROW EXCLUSIVE': 'writes',
      EXCLUSIVE: 'writes',
      'ACCESS EXCLUSIVE': 'reads',
    })
    expect(LOCK_MODES.filter(isStrongLock)).toEqual(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'])
  })
})
