import { describe, expect, it } from 'vitest'
import type { TableResult, ValidationReport } from '@/lib/domain/validation-report'
import { onlyRejectedRows } from './rejected'

const table = (t: Partial<TableResult> & { table: string }): TableResult => ({
  state: 'VALIDATED',
  sourceRows: 10,
  targetRows: 10,
  method: 'key-ranges',
  missing: 0,
  extra: 0,
  changed: 0,
  samples: [],
  suspended: false,
  compared: 10,
  notes: [],
  seconds: 0,
  ...t,
})
const report = (tables: TableResult[], status: ValidationReport['status'] = 'FAILED'): ValidationReport => ({
  status,
  source: 's',
  target: 't',
  tables,
  integrity: [],
  integrityChecked: 0,
  rules: [],
  warnings: [],
  seconds: 0,
})
const missing = (key: string) => ({ kind: 'missing' as const, key, columns: [] })
const rejected = new Map([['applicants', new Set(['1234', '2345'])]])

describe('a cutover lets through only the rows the copy rejected', () => {
  it('counts missing rows that were all rejected', () => {
    const r = report([
      table({ table: 'applicants', state: 'MISMATCHED', missing: 2, samples: [missing('1234'), missing('2345')] }),
    ])
    expect(onlyRejectedRows(r, rejected)).toBe(2)
    expect(onlyRejectedRows(report([table({ table: 'users' })], 'PASSED'), rejected)).toBe(0)
  })

  it('refuses any other difference: a missing row not rejected, a changed or extra row, unsampled differences, another table', () => {
    const refused = [
      table({ table: 'applicants', state: 'MISMATCHED', missing: 1, samples: [missing('7')] }),
      table({ table: 'applicants', state: 'MISMATCHED', missing: 1, changed: 1, samples: [missing('1234')] }),
      table({ table: 'applicants', state: 'MISMATCHED', missing: 3, samples: [missing('1234'), missing('2345')] }),
      table({ table: 'projects', state: 'MISMATCHED', missing: 1, samples: [missing('1234')] }),
      table({ table: 'applicants', state: 'ERROR' }),
    ]
    for (const t of refused) expect(onlyRejectedRows(report([t]), rejected), JSON.stringify(t)).toBeNull()
  })
})
