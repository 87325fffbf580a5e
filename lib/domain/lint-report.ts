// What Lockstep reads from a SQL script before running it, stored with each SQL step (Step.lint) and shown
// where the step is edited and run: its statements as the PostgreSQL parser found them, each with the table
// locks it takes and the linter's findings, and how the script runs with respect to transactions. The
// analysis itself is in lib/targets/sql (parser, locks, transactions, lint).

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
export type TableLock = { table: string; mode: LockMode }

export type Statement = {
  index: number
  sql: string
  /** 1-based line of the statement's start in the script. */
  line: number
  /** The parser's node type, e.g. "AlterTableStmt". */
  kind: string
  /** False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY…). */
  transactional: boolean
  /** The table locks the statement takes, in words for review ("SHARE ROW EXCLUSIVE on a and b", "unknown (…)"); see lib/targets/sql/locks.ts. */
  lock: string
  /** The same, table by table (empty when it takes none or they are unknown). */
  locks: TableLock[]
  /** The lock depends on code that is not analysed (a DO block, a function or procedure call). */
  lockUnknown: boolean
  /** The table the statement works on (created, altered, indexed…), when it has one. */
  subject: string | null
  /** It creates a new, empty table (CREATE TABLE without IF NOT EXISTS). */
  createsTable: boolean
  /** Transaction control written in the script: BEGIN/START TRANSACTION, or COMMIT/END/ROLLBACK, else null (savepoints too). */
  transactionControl: 'begin' | 'end' | null
  /** It can lose data that only a backup brings back (see `losesData` in lib/targets/sql/split.ts). */
  destructive: boolean
  /** CREATE INDEX CONCURRENTLY: the index it builds (see `ConcurrentIndex`), else null. */
  concurrentIndex: ConcurrentIndex | null
}

/**
 * An index built concurrently, named as the parser read it: like PostgreSQL, it folds unquoted names to
 * lower case and keeps quoted ones as written. `name` is null when PostgreSQL is left to choose it; `schema`
 * is null when the table is found through the search_path.
 */
export type ConcurrentIndex = { name: string | null; schema: string | null; table: string }

// How a script runs with respect to transactions: see lib/targets/sql/transactions.ts.
export type TransactionMode = 'lockstep' | 'script' | 'none'

/** A BEGIN … COMMIT/ROLLBACK the script writes, by statement index (0-based) and line. */
export type ScriptBlock = { begin: number; end: number; beginLine: number; endLine: number }

export type Finding = { rule: string; level: 'error' | 'warning'; message: string; help: string | null; line: number }
export type LintedStatement = Omit<Statement, 'sql'> & { sql: string; findings: Finding[]; inTransaction: boolean }
/** How the script will run: `mode` (see lib/targets/sql/transactions.ts) and the same in words. */
export type LintTransactions = { mode: TransactionMode; description: string; blocks: ScriptBlock[] }
export type LintReport = {
  statements: LintedStatement[]
  errors: number
  warnings: number
  transactions: LintTransactions
}
