import { describe, expect, it } from 'vitest'
import { PG_IDENTIFIER_BYTES, pgNames } from './pg-names'

describe('pgNames', () => {
  it('keeps names that fit and shortens longer ones to distinct names of at most 63 bytes, the same every time', () => {
    const a = `col_very_long_name_that_exceeds_postgresql_identifier_limit_aaax`
    const b = `col_very_long_name_that_exceeds_postgresql_identifier_limit_aaay`
    const names = pgNames(['id', a, b])
    expect(names.get('id')).toBe('id')
    const shortA = names.get(a) ?? ''
    const shortB = names.get(b) ?? ''
    expect(shortA).not.toBe(shortB)
    for (const s of [shortA, shortB]) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(PG_IDENTIFIER_BYTES)
    expect(shortA.startsWith('col_very_long_name_that_exceeds_postgresql_identifier_')).toBe(true)
    expect(pgNames([b, a]).get(a)).toBe(shortA)
  })

  it('never cuts a character in two, and avoids a name another column already has', () => {
    const long = 'ü'.repeat(40)
    const short = pgNames([long]).get(long) ?? ''
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(PG_IDENTIFIER_BYTES)
    expect(short).toMatch(/^ü+_[0-9a-f]{8}$/)
    const clash = pgNames([long, short]).get(long)
    expect(clash).not.toBe(short)
  })
})
