import { describe, expect, it } from 'vitest'
import { checkMapping, type TCopyMapping } from '@/lib/domain/mapping'
import { editColumn, editTable, listedOf, remember, rulesIn } from './mapping-state'

const ruled: TCopyMapping = {
  tables: [
    {
      table: 'User',
      rename: 'user',
      renameRule: 'snake_case',
      columns: [
        { column: 'displayName', rename: 'display_name', renameRule: 'snake_case' },
        { column: 'settings', type: 'jsonb', rule: 'json' },
      ],
    },
  ],
}

describe('the mapping editor’s edits', () => {
  it('writes a new entry for a table or column the mapping did not name', () => {
    const m = editColumn(editTable({ tables: [] }, 'Post', { filter: '"id" > 1' }), 'Post', 'title', {
      transform: 'trim("title")',
    })
    expect(m).toEqual({
      tables: [{ table: 'Post', filter: '"id" > 1', columns: [{ column: 'title', transform: 'trim("title")' }] }],
    })
    expect(checkMapping(m).problems).toEqual([])
  })

  it('keeps a rule’s label on an edited entry, and drops it with the value when the field is emptied', () => {
    const edited = editColumn(ruled, 'User', 'displayName', { rename: 'name' })
    expect(edited.tables[0]?.columns[0]).toEqual({ column: 'displayName', rename: 'name', renameRule: 'snake_case' })
    const emptied = editColumn(ruled, 'User', 'displayName', { rename: '  ' })
    expect(emptied.tables[0]?.columns.map((c) => c.column)).toEqual(['settings'])
    expect(editColumn(ruled, 'User', 'settings', { type: '' }).tables[0]?.columns).toHaveLength(1)
    expect(editTable(ruled, 'User', { rename: '' }).tables[0]).not.toHaveProperty('renameRule')
  })

  it('leaves a column out without the renames and types that cannot go with it, and takes it back', () => {
    const out = editColumn(ruled, 'User', 'settings', { omit: true })
    expect(out.tables[0]?.columns[1]).toEqual({ column: 'settings', omit: true })
    expect(checkMapping(out).problems).toEqual([])
    expect(editColumn(out, 'User', 'settings', { omit: false }).tables[0]?.columns).toHaveLength(1)
  })

  it('drops a table entry that says nothing any more', () => {
    const m = editTable({ tables: [] }, 'Post', { rename: 'posts' })
    expect(editTable(m, 'Post', { rename: '' })).toEqual({ tables: [] })
  })

  it('names the rules that wrote entries', () => {
    expect([...rulesIn(ruled)].sort()).toEqual(['json', 'snake_case'])
  })

  it('keeps listing what the mapping once named, after the source’s own tables and columns', () => {
    const listed = remember([], ruled)
    expect(remember(listed, { tables: [] })).toBe(listed)
    const profile = {
      sampleRows: 10,
      tables: [{ name: 'Post', sampled: 0, columns: [], foreignKeys: [] }],
    }
    expect(listedOf(profile, listed)).toEqual([
      { table: 'Post', columns: [] },
      { table: 'User', columns: ['displayName', 'settings'] },
    ])
  })
})
