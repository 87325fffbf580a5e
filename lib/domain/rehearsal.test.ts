import { describe, expect, it } from 'vitest'
import { describeDifference, diffSnapshots } from './rehearsal'

const INDEX = 'CREATE INDEX orders_status_idx ON public.orders USING btree (status)'

describe('comparing schema snapshots', () => {
  it('finds two equal snapshots identical, whatever order their keys were added in', () => {
    const diff = diffSnapshots(
      { 'table public.a': 'table', 'column public.a.id': 'integer NOT NULL' },
      { 'column public.a.id': 'integer NOT NULL', 'table public.a': 'table' },
    )
    expect(diff).toEqual({ identical: true, differences: [] })
  })

  it('reports missing, extra and changed objects, sorted by key', () => {
    const before = {
      'table public.orders': 'table',
      'column public.orders.status': 'text',
      [`index public.orders_status_idx`]: INDEX,
    }
    const after = {
      'table public.orders': 'table',
      'column public.orders.status': 'text NOT NULL',
      'type public.mood': "ENUM ('ok')",
    }
    expect(diffSnapshots(before, after)).toEqual({
      identical: false,
      differences: [
        { key: 'column public.orders.status', kind: 'changed', before: 'text', after: 'text NOT NULL' },
        { key: 'index public.orders_status_idx', kind: 'missing', before: INDEX, after: null },
        { key: 'type public.mood', kind: 'extra', before: null, after: "ENUM ('ok')" },
      ],
    })
  })

  it('treats an empty definition as present, not missing', () => {
    expect(diffSnapshots({ 'schema s': '' }, {}).differences).toEqual([
      { key: 'schema s', kind: 'missing', before: '', after: null },
    ])
  })
})

describe('describing a difference', () => {
  it('names the object, what happened and its definition on one line', () => {
    expect(
      describeDifference({ key: 'index public.orders_status_idx', kind: 'missing', before: INDEX, after: null }),
    ).toBe(`index public.orders_status_idx is missing after the rollback (${INDEX})`)
    expect(
      describeDifference({ key: 'index public.orders_status_idx', kind: 'extra', before: null, after: INDEX }),
    ).toBe(`index public.orders_status_idx exists after the rollback but not before the up (${INDEX})`)
  })

  it('folds a multi-line definition into one line and words the repeat comparison', () => {
    const line = describeDifference(
      {
        key: 'function public.f()',
        kind: 'changed',
        before: 'BEGIN\n  RETURN 1;\nEND',
        after: 'BEGIN\n  RETURN 2;\nEND',
      },
      'repeat',
    )
    expect(line).toBe(
      'function public.f() differs after the second up: after the first up “BEGIN RETURN 1; END”, after the second up “BEGIN RETURN 2; END”',
    )
    expect(line).not.toContain('\n')
  })
})
