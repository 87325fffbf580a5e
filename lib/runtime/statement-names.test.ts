import { describe, expect, it } from 'vitest'
import { statementNamer } from './statement-names'

describe('statementNamer', () => {
  it('names a text the same every time, different texts differently, and stops naming at the limit', () => {
    const name = statementNamer(2)
    const a = name({ sql: 'SELECT 1' })
    expect(a).toMatch(/^lockstep_[\w-]{32}$/)
    expect(name({ sql: 'SELECT 1' })).toBe(a)
    const b = name({ sql: 'SELECT 2' })
    expect(b).not.toBe(a)
    expect(name({ sql: 'SELECT 3' })).toBe('')
    expect(name({ sql: 'SELECT 2' })).toBe(b)
    // Another process names the same text the same way.
    expect(statementNamer()({ sql: 'SELECT 1' })).toBe(a)
  })
})
