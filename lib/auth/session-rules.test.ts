import { describe, expect, it } from 'vitest'
import { isWithinAbsoluteLimit } from './session-rules'

describe('isWithinAbsoluteLimit', () => {
  const signedIn = 1_800_000_000
  const at = (hoursLater: number) => (signedIn + hoursLater * 3600) * 1000

  it('keeps a session until the absolute limit and ends it after', () => {
    expect(isWithinAbsoluteLimit(signedIn, 24, at(0))).toBe(true)
    expect(isWithinAbsoluteLimit(signedIn, 24, at(24))).toBe(true)
    expect(isWithinAbsoluteLimit(signedIn, 24, at(24.01))).toBe(false)
  })

  it('ends sessions that carry no sign-in time (issued before the limit existed, or forged)', () => {
    expect(isWithinAbsoluteLimit(undefined, 24, at(1))).toBe(false)
    expect(isWithinAbsoluteLimit('1800000000', 24, at(1))).toBe(false)
  })
})
