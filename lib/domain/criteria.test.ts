import { describe, expect, it } from 'vitest'
import { evaluateBinding } from './criteria'
import type { TableResult, ValidationReport } from '@/lib/domain/validation-report'

const table = (name: string, fields: Partial<TableResult> = {}): TableResult => ({
  table: name,
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
  ...fields,
})
const report = (fields: Partial<ValidationReport> = {}): ValidationReport => ({
  status: 'PASSED',
  source: 's',
  target: 't',
  tables: [table('a'), table('b')],
  integrity: [],
  integrityChecked: 2,
  rules: [],
  warnings: [],
  seconds: 1,
  ...fields,
})

describe('success criteria from a validation', () => {
  it('turns each bound check MET or NOT_MET with its evidence', () => {
    expect(evaluateBinding({ check: 'row-counts' }, report())).toEqual({
      met: true,
      evidence: 'row counts match in 2 tables',
    })
    expect(
      evaluateBinding(
        { check: 'row-counts' },
        report({
          status: 'FAILED',
          tables: [table('a'), table('b', { targetRows: 9, state: 'MISMATCHED', missing: 1 })],
        }),
      ),
    ).toEqual({ met: false, evidence: 'row counts differ in b (10 → 9)' })
    expect(
      evaluateBinding(
        { check: 'checksums' },
        report({ status: 'FAILED', tables: [table('a', { state: 'MISMATCHED', changed: 2 })] }),
      ),
    ).toEqual({ met: false, evidence: 'a (2 differences)' })
    expect(evaluateBinding({ check: 'checksums' }, report())?.met).toBe(true)
    const orphan = {
      kind: 'orphan' as const,
      table: 'child',
      columns: ['parent_id'],
      references: { table: 'parent', columns: ['id'] },
      origin: 'target' as const,
      count: 3,
      samples: [],
    }
    expect(evaluateBinding({ check: 'orphans' }, report({ status: 'FAILED', integrity: [orphan] }))).toEqual({
      met: false,
      evidence: '3 orphaned rows in child (parent_id → parent)',
    })
    expect(evaluateBinding({ check: 'orphans' }, report())).toEqual({
      met: true,
      evidence: 'no orphaned rows (2 checks)',
    })
    const rule = {
      name: 'emails',
      severity: 'error' as const,
      action: 'fail' as const,
      violations: 4,
      samples: [],
      passed: false,
    }
    expect(evaluateBinding({ check: 'rule', ruleName: 'emails' }, report({ status: 'FAILED', rules: [rule] }))).toEqual(
      { met: false, evidence: 'rule “emails”: 4 violating rows' },
    )
  })

  it('leaves a criterion alone when the validation did not finish or did not run its rule', () => {
    expect(evaluateBinding({ check: 'checksums' }, report({ status: 'CANCELLED' }))).toBeNull()
    expect(evaluateBinding({ check: 'rule', ruleName: 'missing' }, report())).toBeNull()
  })
})
