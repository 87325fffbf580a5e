import { z } from 'zod'
import { shortId } from './short-id'
import { parseStored } from './stored-json'

// What a validation found, as stored with it (Validation.report) and shown on the validation, run and report
// pages: per table, integrity findings on the target, and the plan's custom rules.

export const TABLE_STATES = ['PENDING', 'VALIDATING', 'VALIDATED', 'MISMATCHED', 'NO_PRIMARY_KEY', 'ERROR'] as const
export type TableState = (typeof TABLE_STATES)[number]

export const ZColumnDifference = z.object({
  column: z.string(),
  source: z.string().nullable(),
  target: z.string().nullable(),
})
export type ColumnDifference = z.infer<typeof ZColumnDifference>

/** One differing row: missing on the target, extra on the target, or changed (the columns that differ, both values). */
export const ZDifference = z.object({
  kind: z.enum(['missing', 'extra', 'changed']),
  key: z.string(),
  columns: z.array(ZColumnDifference),
})
export type Difference = z.infer<typeof ZDifference>

export const ZTableResult = z.object({
  table: z.string(),
  state: z.enum(TABLE_STATES),
  sourceRows: z.number().nullable(),
  targetRows: z.number().nullable(),
  /**
   * How rows were compared: checksums of key ranges, of key-hash buckets, or of the whole table (no primary key);
   * or, at a cutover after a validation that passed while the sync followed, the rows changed since, one by one.
   */
  method: z.enum(['key-ranges', 'key-hash', 'whole-table', 'changed-rows']).nullable(),
  missing: z.number(),
  extra: z.number(),
  changed: z.number(),
  /** At most maxSamples differences. */
  samples: z.array(ZDifference),
  /** The comparison stopped after maxDifferences differences: the totals are lower bounds. */
  suspended: z.boolean(),
  /** Rows covered so far (live progress). */
  compared: z.number(),
  notes: z.array(z.string()),
  error: z.string().optional(),
  seconds: z.number(),
})
export type TableResult = z.infer<typeof ZTableResult>

export const ZIntegrityFinding = z.object({
  kind: z.enum(['orphan', 'not-null', 'unique']),
  table: z.string(),
  columns: z.array(z.string()),
  /** Orphans: the parent table and its columns. */
  references: z.object({ table: z.string(), columns: z.array(z.string()) }).optional(),
  /** Where the rule comes from: a constraint declared on the target (not validated), or only in the source. */
  origin: z.enum(['target', 'source']),
  count: z.number(),
  samples: z.array(z.string()),
})
export type IntegrityFinding = z.infer<typeof ZIntegrityFinding>

export const RULE_SEVERITIES = ['warning', 'error'] as const
export type RuleSeverity = (typeof RULE_SEVERITIES)[number]
export const RULE_ACTIONS = ['fail', 'warn'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]
export type CustomRule = { name: string; sql: string; severity: RuleSeverity; action: RuleAction }

/** `capped`: counting stopped at the cap (RULE_ROW_CAP); `violations` is a lower bound. */
export const ZRuleResult = z.object({
  name: z.string(),
  severity: z.enum(RULE_SEVERITIES),
  action: z.enum(RULE_ACTIONS),
  violations: z.number(),
  capped: z.boolean().optional(),
  samples: z.array(z.record(z.string(), z.string().nullable())),
  error: z.string().optional(),
  passed: z.boolean(),
})
export type RuleResult = z.infer<typeof ZRuleResult>

export const VALIDATION_STATUSES = ['RUNNING', 'PASSED', 'FAILED', 'ERROR', 'CANCELLED'] as const
export type ValidationStatus = (typeof VALIDATION_STATUSES)[number]

/** Validation.report. */
export const ZValidationReport = z.object({
  status: z.enum(VALIDATION_STATUSES),
  source: z.string(),
  target: z.string(),
  tables: z.array(ZTableResult),
  integrity: z.array(ZIntegrityFinding),
  /** Checks that were made and found nothing, for the evidence ("orphans: 3 relations checked"). */
  integrityChecked: z.number(),
  rules: z.array(ZRuleResult),
  warnings: z.array(z.string()),
  error: z.string().optional(),
  seconds: z.number(),
})
export type ValidationReport = z.infer<typeof ZValidationReport>

/** A validation's stored report, parsed (null while it has none). */
export const parseValidationReport = (json: unknown, validationId: string): ValidationReport | null =>
  parseStored(ZValidationReport, json, `report of validation ${shortId(validationId)}`)
