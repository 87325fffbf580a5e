// What Lockstep reads from a SQL script before running it, stored with each SQL step (Step.lint) and shown
// where the step is edited and run: its statements as the PostgreSQL parser found them, each with the table
// locks it takes and the linter's findings, and how the script runs with respect to transactions. The
// analysis itself is in lib/targets/sql (parser, locks, transactions, lint).

import { z } from 'zod'
import { parseStored } from './stored-json'

export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const
export type LockMode = (typeof LOCK_MODES)[number]

/** `table` as written (schema-qualified when it was); `what` names a relation that is not a plain table. */
export const ZTableLock = z.object({ table: z.string(), mode: z.enum(LOCK_MODES) })
export type TableLock = z.infer<typeof ZTableLock>

/**
 * An index built concurrently, named as the parser read it: like PostgreSQL, it folds unquoted names to
 * lower case and keeps quoted ones as written. `name` is null when PostgreSQL is left to choose it; `schema`
 * is null when the table is found through the search_path.
 */
export const ZConcurrentIndex = z.object({
  name: z.string().nullable(),
  schema: z.string().nullable(),
  table: z.string(),
})
export type ConcurrentIndex = z.infer<typeof ZConcurrentIndex>

export const ZStatement = z.object({
  index: z.number(),
  sql: z.string(),
  /** 1-based line of the statement's start in the script. */
  line: z.number(),
  /** The parser's node type, e.g. "AlterTableStmt". */
  kind: z.string(),
  /** False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY…). */
  transactional: z.boolean(),
  /** The table locks the statement takes, in words for review ("SHARE ROW EXCLUSIVE on a and b", "unknown (…)"); see lib/targets/sql/locks.ts. */
  lock: z.string(),
  /** The same, table by table (empty when it takes none or they are unknown). */
  locks: z.array(ZTableLock),
  /** The lock depends on code that is not analysed (a DO block, a function or procedure call). */
  lockUnknown: z.boolean(),
  /** The table the statement works on (created, altered, indexed…), when it has one. */
  subject: z.string().nullable(),
  /** It creates a new, empty table (CREATE TABLE without IF NOT EXISTS). */
  createsTable: z.boolean(),
  /** Transaction control written in the script: BEGIN/START TRANSACTION, or COMMIT/END/ROLLBACK, else null (savepoints too). */
  transactionControl: z.enum(['begin', 'end']).nullable(),
  /** It can lose data that only a backup brings back (see `losesData` in lib/targets/sql/split.ts). */
  destructive: z.boolean(),
  /** CREATE INDEX CONCURRENTLY: the index it builds (see `ConcurrentIndex`), else null. */
  concurrentIndex: ZConcurrentIndex.nullable(),
})
export type Statement = z.infer<typeof ZStatement>

// How a script runs with respect to transactions: see lib/targets/sql/transactions.ts.
export const TRANSACTION_MODES = ['lockstep', 'script', 'none'] as const
export type TransactionMode = (typeof TRANSACTION_MODES)[number]

/** A BEGIN … COMMIT/ROLLBACK the script writes, by statement index (0-based) and line. */
export const ZScriptBlock = z.object({ begin: z.number(), end: z.number(), beginLine: z.number(), endLine: z.number() })
export type ScriptBlock = z.infer<typeof ZScriptBlock>

export const ZFinding = z.object({
  rule: z.string(),
  level: z.enum(['error', 'warning']),
  message: z.string(),
  help: z.string().nullable(),
  line: z.number(),
})
export type Finding = z.infer<typeof ZFinding>

export const ZLintedStatement = ZStatement.extend({ findings: z.array(ZFinding), inTransaction: z.boolean() })
export type LintedStatement = z.infer<typeof ZLintedStatement>

/** How the script will run: `mode` (see lib/targets/sql/transactions.ts) and the same in words. */
export const ZLintTransactions = z.object({
  mode: z.enum(TRANSACTION_MODES),
  description: z.string(),
  blocks: z.array(ZScriptBlock),
})
export type LintTransactions = z.infer<typeof ZLintTransactions>

/** Step.lint, as the linter stored it. */
export const ZLintReport = z.object({
  statements: z.array(ZLintedStatement),
  errors: z.number(),
  warnings: z.number(),
  transactions: ZLintTransactions,
})
export type LintReport = z.infer<typeof ZLintReport>

/**
 * Step.lint as any version stored it: reports saved before each statement's table locks and how the script runs
 * with respect to transactions were recorded lack them (readers fall back to `transactional`).
 */
export const ZStoredLintReport = ZLintReport.extend({
  statements: z.array(
    ZLintedStatement.partial({
      locks: true,
      lockUnknown: true,
      subject: true,
      createsTable: true,
      transactionControl: true,
      destructive: true,
      concurrentIndex: true,
      inTransaction: true,
    }),
  ),
  transactions: ZLintTransactions.optional(),
})
export type StoredLintReport = z.infer<typeof ZStoredLintReport>

/** A step's stored lint report, parsed (null when the step has not been linted). */
export const parseLintReport = (json: unknown, stepName: string): StoredLintReport | null =>
  parseStored(ZStoredLintReport, json, `lint report of step “${stepName}”`)
