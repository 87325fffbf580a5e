import { describe, expect, it } from 'vitest'
import { firstLossOf } from './safeguards'

const copy = (config: object) =>
  firstLossOf({
    name: 'Copy',
    kind: 'COPY',
    body: '',
    config: { tables: [], jobs: 1, chunkRows: 1000, maxRejectedRows: 0, reload: false, ...config },
  })

describe('firstLossOf for copy steps', () => {
  it('names what a copy step can lose on the target: a reload, emptying the tables that have rows, or a merge that overwrites rows', async () => {
    expect(await copy({ mode: 'existing' })).toBeNull()
    expect(await copy({ mode: 'create' })).toBeNull()
    expect(await copy({ mode: 'existing', reload: true })).toBe('it reloads the tables it copies, emptying them first')
    expect(await copy({ mode: 'existing', existingRows: 'empty', emptyConfirmed: true })).toBe(
      'it empties the target tables it copies into that already have rows',
    )
    expect(await copy({ mode: 'existing', existingRows: 'merge' })).toBe(
      "it overwrites the target's rows that have the same primary key as a source row",
    )
    // The choice means nothing to a copy that creates its tables.
    expect(await copy({ mode: 'create', existingRows: 'empty', emptyConfirmed: true })).toBeNull()
  })
})
