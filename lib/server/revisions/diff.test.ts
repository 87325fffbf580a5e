import { describe, expect, it } from 'vitest'
import { sideBySide } from './diff'

describe('sideBySide', () => {
  it('pairs a changed line and marks the changed word', () => {
    const rows = sideBySide('CREATE TABLE a (id int);\nSELECT 1;\n', 'CREATE TABLE a (id bigint);\nSELECT 1;\n')
    expect(rows.map((r) => r.kind)).toEqual(['changed', 'same'])
    expect(rows[0]?.left?.parts.filter((p) => p.changed).map((p) => p.text)).toEqual(['int'])
    expect(rows[0]?.right?.parts.filter((p) => p.changed).map((p) => p.text)).toEqual(['bigint'])
  })

  it('shows added and removed lines with their own line numbers', () => {
    const rows = sideBySide('a\nb\n', 'a\nc\nd\n')
    expect(rows.map((r) => [r.kind, r.left?.line ?? null, r.right?.line ?? null])).toEqual([
      ['same', 1, 1],
      ['changed', 2, 2],
      ['added', null, 3],
    ])
  })

  it('equal texts have no changed rows', () => {
    expect(sideBySide('x\ny', 'x\ny').every((r) => r.kind === 'same')).toBe(true)
  })
})
