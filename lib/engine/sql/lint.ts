import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitStatements, type Statement } from './split'

// Lint before run: squawk's findings (a maintained PostgreSQL migration linter, run as its binary with the
// JSON reporter), attached to the statements the PostgreSQL parser found, each with the lock it takes.

export type Finding = { rule: string; level: 'error' | 'warning'; message: string; help: string | null; line: number }
export type LintedStatement = Omit<Statement, 'sql'> & { sql: string; findings: Finding[] }
export type LintReport = { statements: LintedStatement[]; errors: number; warnings: number }

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

type SquawkFinding = { line: number; level: string; message: string; help: string | null; rule_name: string }

export async function lintSql(sql: string): Promise<LintReport> {
  const statements = await splitStatements(sql)
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-lint-'))
  try {
    const file = join(dir, 'script.sql')
    await writeFile(file, sql)
    const output = await new Promise<string>((resolve, reject) => {
      execFile(squawkBinary(), ['--reporter', 'json', `--exclude=${HANDLED_BY_LOCKSTEP.join(',')}`, file], { timeout: 30_000, maxBuffer: 20 * 1024 * 1024 }, (error, stdout) => {
        // squawk exits 1 when it has findings; only a missing or broken report is a failure.
        if (stdout.trim().startsWith('[')) resolve(stdout)
        else reject(new Error(`The SQL linter did not run: ${error?.message ?? 'no output'}`))
      })
    })
    const findings = (JSON.parse(output) as SquawkFinding[]).map<Finding>((f) => ({
      rule: f.rule_name,
      level: /error/i.test(f.level) || ERROR_RULES.has(f.rule_name) ? 'error' : 'warning',
      message: f.message,
      help: f.help,
      line: f.line + 1, // squawk counts lines from 0
    }))
    // Each finding belongs to the last statement starting on or before its line.
    const linted = statements.map((s) => ({ ...s, findings: [] as Finding[] }))
    for (const finding of findings) {
      const owner = [...linted].reverse().find((s) => s.line <= finding.line) ?? linted[0]
      owner?.findings.push(finding)
    }
    return { statements: linted, errors: findings.filter((f) => f.level === 'error').length, warnings: findings.filter((f) => f.level === 'warning').length }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
