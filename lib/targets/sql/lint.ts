import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitStatements } from './split'
import type { Finding, LintedStatement, LintReport, Statement } from '@/lib/domain/lint-report'
import { describeTransactions, scriptTransactions } from './transactions'

// Lint before run: squawk's findings (a maintained PostgreSQL migration linter, run as its binary with the
// JSON reporter), attached to the statements the PostgreSQL parser found, each with the lock it takes and
// whether it runs in a transaction – Lockstep's own, or the script's own BEGIN … COMMIT.

/** Lockstep's own finding on a script it cannot run as written (a BEGIN never committed…). */
export const TRANSACTION_RULE = 'transaction-as-written'

// squawk reports every finding as a warning. Lockstep's severity: a rule is an error when breaking it can
// take the application down (long exclusive locks, rewrites) or lose data; these block protected runs
// unless a DBA accepts them with a written reason. The rest (style and robustness advice) stay warnings.
export const ERROR_RULES: ReadonlySet<string> = new Set([
  'adding-field-with-default',
  'adding-foreign-key-constraint',
  'adding-not-nullable-field',
  'adding-required-field',
  'ban-concurrent-index-creation-in-transaction',
  'ban-drop-column',
  'ban-drop-database',
  'ban-drop-not-null',
  'ban-drop-table',
  'ban-truncate-cascade',
  'changing-column-type',
  'constraint-missing-not-valid',
  'disallowed-unique-constraint',
  'renaming-column',
  'renaming-table',
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
])

// Lockstep itself sets both timeouts around every statement it runs.
const HANDLED_BY_LOCKSTEP = ['require-lock-timeout', 'require-statement-timeout']

function squawkBinary(): string {
  const squawk = createRequire(import.meta.url)('squawk-cli/js/index.js') as { getBinaryPath: () => string }
  return squawk.getBinaryPath()
}

type SquawkFinding = {
  line: number
  column?: number
  level: string
  message: string
  help: string | null
  rule_name: string
}

/**
 * Where each statement starts in the script, as squawk counts (lines and columns from 0): several statements
 * may share a line, and a finding belongs to the one it points into.
 */
function startsOf(script: string, statements: readonly Statement[]): { line: number; column: number }[] {
  let cursor = 0
  return statements.map((s) => {
    const at = script.indexOf(s.sql, cursor)
    if (at < 0) return { line: s.line - 1, column: 0 }
    cursor = at + s.sql.length
    return { line: s.line - 1, column: at - (script.lastIndexOf('\n', at - 1) + 1) }
  })
}

const unqualified = (name: string) => name.replace(/^public\./, '')

/**
 * Findings about a table the script itself creates earlier (without IF NOT EXISTS) and has not filled yet
 * are not errors: the table is new and empty, so nothing waits on its lock and nothing is scanned.
 */
function demoteOnNewTables(statements: LintedStatement[]) {
  const created = new Map<string, number>()
  for (const s of statements) {
    const subject = s.subject ? unqualified(s.subject) : null
    const createdOn = subject ? created.get(subject) : undefined
    if (subject && createdOn !== undefined) {
      for (const f of s.findings.filter((f) => f.level === 'error')) {
        f.level = 'warning'
        f.message += ` Not an error here: ${s.subject} is created by this script (line ${createdOn}), so it is new and empty.`
      }
    }
    if (subject && s.createsTable) created.set(subject, s.line)
    else if (subject && ['InsertStmt', 'CopyStmt', 'MergeStmt', 'CreateTableAsStmt'].includes(s.kind))
      created.delete(subject)
  }
}

export async function lintSql(sql: string): Promise<LintReport> {
  const statements = await splitStatements(sql)
  const transactions = scriptTransactions(statements)
  // Squawk's advice for scripts outside a transaction ("missing transaction") does not apply to a script
  // Lockstep runs in one; a script with its own BEGIN … COMMIT shows squawk its transactions itself.
  const assumeInTransaction = transactions.mode === 'lockstep' ? ['--assume-in-transaction'] : []
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-lint-'))
  try {
    const file = join(dir, 'script.sql')
    await writeFile(file, sql)
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        squawkBinary(),
        ['--reporter', 'json', `--exclude=${HANDLED_BY_LOCKSTEP.join(',')}`, ...assumeInTransaction, file],
        { timeout: 30_000, maxBuffer: 20 * 1024 * 1024 },
        (error, stdout) => {
          // squawk exits 1 when it has findings; only a missing or broken report is a failure.
          if (stdout.trim().startsWith('[')) resolve(stdout)
          else reject(new Error(`The SQL linter (squawk) did not run: ${error?.message ?? 'no output'}`))
        },
      )
    })
    // Each finding belongs to the last statement starting at or before where it points (line, then column).
    const linted: LintedStatement[] = statements.map((s, i) => ({
      ...s,
      findings: [] as Finding[],
      inTransaction: transactions.inTransaction[i] ?? false,
    }))
    const starts = startsOf(sql, statements)
    for (const f of JSON.parse(output) as SquawkFinding[]) {
      const column = f.column ?? 0
      const index = starts.findLastIndex(
        (start) => start.line < f.line || (start.line === f.line && start.column <= column),
      )
      linted[Math.max(index, 0)]?.findings.push({
        rule: f.rule_name,
        level: /error/i.test(f.level) || ERROR_RULES.has(f.rule_name) ? 'error' : 'warning',
        message: f.message,
        help: f.help,
        line: f.line + 1, // squawk counts lines from 0
      })
    }
    demoteOnNewTables(linted)
    const problem = transactions.problem
    if (problem) {
      const owner = linted.find((s) => s.line === problem.line) ?? linted[0]
      owner?.findings.push({
        rule: TRANSACTION_RULE,
        level: 'error',
        message: `${problem.message}.`,
        help: 'End every BEGIN with COMMIT, and keep statements that cannot run in a transaction outside BEGIN … COMMIT.',
        line: problem.line,
      })
    }
    const all = linted.flatMap((s) => s.findings)
    return {
      statements: linted,
      errors: all.filter((f) => f.level === 'error').length,
      warnings: all.filter((f) => f.level === 'warning').length,
      transactions: {
        mode: transactions.mode,
        description: describeTransactions(transactions),
        blocks: transactions.blocks,
      },
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
