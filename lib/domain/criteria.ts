import type { ValidationReport } from '@/lib/domain/validation-report'
import { plural } from '@/lib/domain/words'

// Success criteria bound to validation results: when a validation finishes, each bound criterion of its
// plan turns MET or NOT_MET from the report, with the evidence in words.

export const CRITERION_CHECKS = ['row-counts', 'checksums', 'orphans', 'rule'] as const
export type CriterionCheck = (typeof CRITERION_CHECKS)[number]
export type CriterionBinding = { check: CriterionCheck; ruleId?: string; ruleName?: string }

export const CHECK_LABELS: Record<CriterionCheck, string> = {
  'row-counts': 'all tables’ row counts match',
  checksums: 'no checksum mismatches',
  orphans: 'no orphaned rows',
  rule: 'a custom rule passes',
}

export function bindingOf(json: unknown): CriterionBinding | null {
  if (!json || typeof json !== 'object') return null
  const b = json as Partial<CriterionBinding>
  if (!b.check || !CRITERION_CHECKS.includes(b.check)) return null
  return {
    check: b.check,
    ...(typeof b.ruleId === 'string' ? { ruleId: b.ruleId } : {}),
    ...(typeof b.ruleName === 'string' ? { ruleName: b.ruleName } : {}),
  }
}

/** The criterion's status from a finished validation, and why; null when the report says nothing about it. */
export function evaluateBinding(
  binding: CriterionBinding,
  report: ValidationReport,
): { met: boolean; evidence: string } | null {
  if (report.status !== 'PASSED' && report.status !== 'FAILED') return null
  const tables = report.tables
  switch (binding.check) {
    case 'row-counts': {
      const off = tables.filter((t) => t.state === 'ERROR' || t.sourceRows === null || t.sourceRows !== t.targetRows)
      return off.length
        ? {
            met: false,
            evidence: `row counts differ in ${off.map((t) => `${t.table} (${t.sourceRows ?? '?'} → ${t.targetRows ?? '?'})`).join(', ')}`,
          }
        : { met: true, evidence: `row counts match in ${plural(tables.length, 'table')}` }
    }
    case 'checksums': {
      const off = tables.filter((t) => t.state === 'MISMATCHED' || t.state === 'ERROR')
      return off.length
        ? {
            met: false,
            evidence: `${off.map((t) => (t.state === 'ERROR' ? `${t.table} (error)` : `${t.table} (${plural(t.missing + t.extra + t.changed, 'difference')})`)).join(', ')}`,
          }
        : { met: true, evidence: `checksums match in ${plural(tables.length, 'table')}` }
    }
    case 'orphans': {
      const orphans = report.integrity.filter((f) => f.kind === 'orphan')
      return orphans.length
        ? {
            met: false,
            evidence: orphans
              .map(
                (f) =>
                  `${plural(f.count, 'orphaned row')} in ${f.table} (${f.columns.join(', ')} → ${f.references?.table ?? '?'})`,
              )
              .join('; '),
          }
        : { met: true, evidence: `no orphaned rows (${plural(report.integrityChecked, 'check')})` }
    }
    case 'rule': {
      const rule = report.rules.find((r) => (binding.ruleName ? r.name === binding.ruleName : false))
      if (!rule) return null
      return rule.passed
        ? { met: true, evidence: `rule “${rule.name}” passed` }
        : { met: false, evidence: `rule “${rule.name}”: ${rule.error ?? plural(rule.violations, 'violating row')}` }
    }
  }
}
