import { describe, expect, it } from 'vitest'
import { chooseSchemas, loadOrder, notChosenLine, qualifiedName, splitTableName } from './pg-schemas'

const ALL = [
  { schema: 'crm', tables: 1, readable: true },
  { schema: 'public', tables: 2, readable: true },
  { schema: 'sales', tables: 3, readable: true },
  { schema: 'vault', tables: 1, readable: false },
]
const references = new Map([
  ['public', ['sales']],
  ['sales', ['crm']],
])

describe('choosing the schemas of a PostgreSQL source', () => {
  it('takes every readable schema, those referenced first, and reports the one the role may not read', () => {
    const choice = chooseSchemas(ALL, { references })
    expect(choice.picked).toEqual([
      { schema: 'crm', tables: null },
      { schema: 'sales', tables: null },
      { schema: 'public', tables: null },
    ])
    expect(choice.notChosen).toEqual([])
    expect(choice.unreadable.map((s) => s.schema)).toEqual(['vault'])
  })

  it('names the schemas left out by a choice', () => {
    const choice = chooseSchemas(ALL, { schemas: ['sales'] })
    expect(choice.picked).toEqual([{ schema: 'sales', tables: null }])
    expect(notChosenLine(choice)).toBe(
      "Not chosen, so not copied: the source's tables in the schemas crm (1 table), public (2 tables), vault (1 table).",
    )
    expect(choice.unreadable).toEqual([])
  })

  it('refuses a schema the source does not have, or one its role may not read, naming it', () => {
    expect(() => chooseSchemas(ALL, { schemas: ['sales', 'nope'] })).toThrow(
      'The source has no schema “nope” with tables (its schemas with tables: crm, public, sales, vault).',
    )
    expect(() => chooseSchemas(ALL, { schemas: ['vault'] })).toThrow('GRANT USAGE ON SCHEMA vault')
  })

  it('reads schema.table in a table list, bare names as public’s – or the one chosen schema’s', () => {
    const choice = chooseSchemas(ALL, { tables: ['note', 'sales.orders', 'sales.note'] })
    expect(choice.picked).toEqual([
      { schema: 'public', tables: ['note'] },
      { schema: 'sales', tables: ['orders', 'note'] },
    ])
    expect(choice.notChosen.map((s) => s.schema)).toEqual(['crm', 'vault'])
    expect(choice.unreadable).toEqual([])
    expect(chooseSchemas(ALL, { schemas: ['sales'], tables: ['orders'] }).picked).toEqual([
      { schema: 'sales', tables: ['orders'] },
    ])
    expect(() => chooseSchemas(ALL, { schemas: ['sales'], tables: ['crm.customer'] })).toThrow(
      'The table “crm.customer” is not in a chosen schema (sales).',
    )
    expect(splitTableName('odd.name', ['public', 'sales'], 'public')).toEqual({ schema: 'public', table: 'odd.name' })
  })

  it('orders schemas so that referenced ones come first; a cycle is broken where the name order enters it', () => {
    expect(loadOrder(['a', 'b', 'c'], new Map([['a', ['c']]]))).toEqual(['c', 'a', 'b'])
    expect(
      loadOrder(
        ['a', 'b'],
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual(['b', 'a'])
    expect(qualifiedName('public', 'note')).toBe('note')
    expect(qualifiedName('sales', 'note')).toBe('sales.note')
  })
})
