import { describe, expect, it } from 'vitest'
import { describeWait, lockoutMs, normaliseEmail } from './rules'

describe('lockoutMs', () => {
  it('does not lock below the limit', () => {
    expect(lockoutMs(0, 5)).toBe(0)
    expect(lockoutMs(4, 5)).toBe(0)
  })

  it('doubles from 30 seconds and stops at 15 minutes', () => {
    expect(lockoutMs(5, 5)).toBe(30_000)
    expect(lockoutMs(6, 5)).toBe(60_000)
    expect(lockoutMs(8, 5)).toBe(240_000)
    expect(lockoutMs(10, 5)).toBe(900_000)
    expect(lockoutMs(50, 5)).toBe(900_000)
  })
})

describe('account helpers', () => {
  it('normalises emails', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com')
  })

  it('describes waits in words', () => {
    expect(describeWait(1_000)).toBe('1 second')
    expect(describeWait(30_000)).toBe('30 seconds')
    expect(describeWait(61_000)).toBe('2 minutes')
  })
})
