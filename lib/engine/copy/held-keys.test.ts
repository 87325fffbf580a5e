import { describe, expect, it } from 'vitest'
import { keysToHold } from './held-keys'

const fk = (table: string, references: string, name = `${table}_${references}_fkey`) => ({
  table,
  references,
  name,
  definition: `FOREIGN KEY (x) REFERENCES ${references}(id)`,
})

describe('the foreign keys held back while loading existing tables', () => {
  it('holds the keys of a cycle of three and of a self-reference, and no key a load order satisfies', () => {
    const keys = [fk('a', 'b'), fk('b', 'c'), fk('c', 'a'), fk('d', 'a'), fk('film', 'film'), fk('rental', 'film')]
    expect(keysToHold(['a', 'b', 'c', 'd', 'film', 'rental'], keys).map((k) => k.name)).toEqual([
      'a_b_fkey',
      'b_c_fkey',
      'c_a_fkey',
      'film_film_fkey',
    ])
  })

  it('holds a two-table cycle (store ↔ staff) but not the keys to a table outside the copy', () => {
    const keys = [fk('store', 'staff'), fk('staff', 'store'), fk('staff', 'address')]
    expect(keysToHold(['store', 'staff'], keys).map((k) => k.name)).toEqual(['store_staff_fkey', 'staff_store_fkey'])
  })

  it('holds nothing in a tree of references', () => {
    expect(keysToHold(['a', 'b', 'c'], [fk('b', 'a'), fk('c', 'a'), fk('c', 'b')])).toEqual([])
  })
})
