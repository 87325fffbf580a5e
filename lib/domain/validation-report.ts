// What a validation found, as stored with it (Validation.report) and shown on the validation, run and report
// pages: per table, integrity findings on the target, and the plan's custom rules.

export const TABLE_STATES = ['PENDING', 'VALIDATING', 'VALIDATED', 'MISMATCHED', 'NO_PRIMARY_KEY', 'ERROR'] as const
export type TableState = (typeof TABLE_STATES)[number]

export type ColumnDifference = { column: string; source: string | null; target: string | null }

/** One differing row: missing on the target, extra on the target, or changed (the columns that differ, both values). */
export type Difference = { kind: 'missing' | 'extra' | 'changed'; key: string; columns: ColumnDifference[] }

export type TableResult = {
  table: string
  state: TableState
  sourceRows: number | null
  targetRows: number | null
  /** How rows were compared: checksums of key ranges, of key-hash buckets, or of the whole table (no primary key). */
  method: 'key-ranges' | 'key-hash' | 'whole-table' | null
  missing: number
  extra: number
  changed: number
  /** At most maxSamples differences. */
  samples: Difference[]
  /** The comparison stopped after maxDifferences differences: the totals are lower bounds. */
  suspended: boolean
  /** Rows covered so far (live progress). */
  compared: number
  notes: string[]
  error?: string
  seconds: number
}

export type IntegrityFinding = {
  kind: 'orphan' | 'not-null' | 'unique'
  table: string
  columns: string[]
  /** Orphans: the parent table and its columns. */
  references?: { table: string; columns: string[] }
  /** Where the rule comes from: a constraint declared on the target (not validated), or only in the source. */
  origin: 'target' | 'source'
  count: number
  samples: string[]
}

export type RuleSeverity = 'warning' | 'error'
export type RuleAction = 'fail' | 'warn'
export type CustomRule = { name: string; sql: string; severity: RuleSeverity; action: RuleAction }

/** `capped`: counting stopped at the cap (RULE_ROW_CAP); `violations` is a lower bound. */
export type RuleResult = {
  name: string
  severity: RuleSeverity
  action: RuleAction
  violations: number
  capped?: boolean
  samples: Record<string, string | null>[]
  error?: string
  passed: boolean
}

export type ValidationStatus = 'RUNNING' | 'PASSED' | 'FAILED' | 'ERROR' | 'CANCELLED'

export type ValidationReport = {
  status: ValidationStatus
  source: string
  target: string
  tables: TableResult[]
  integrity: IntegrityFinding[]
  /** Checks that were made and found nothing, for the evidence ("orphans: 3 relations checked"). */
  integrityChecked: number
  rules: RuleResult[]
  warnings: string[]
  error?: string
  seconds: number
}
