import { lintSql } from '@/lib/targets/sql/lint'
import type { LintReport, StoredLintReport } from '@/lib/domain/lint-report'
import { SqlSyntaxError } from '@/lib/targets/sql/split'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { DomainError, invalid } from '@/lib/server/errors'

// Lint of SQL steps: on every save, and as a preview while a script is written (nothing stored).

export const MAX_SCRIPT_CHARS = 1_000_000

/** Parses and lints a script (and its rollback); malformed SQL is a field error naming the line. */
export async function lintScripts(body: string, rollbackBody: string | null): Promise<LintReport> {
  const check = async (sql: string, field: 'body' | 'rollbackBody') => {
    try {
      return await lintSql(sql)
    } catch (error) {
      if (error instanceof SqlSyntaxError)
        throw invalid(`The ${field === 'body' ? 'script' : 'rollback script'} is not valid SQL.`, {
          [field]: [error.message],
        })
      throw error
    }
  }
  if (rollbackBody) await check(rollbackBody, 'rollbackBody')
  return check(body, 'body')
}

/** What pages show of a SQL step's lint (the plan page, the step editor's preview). */
export type StepLintDTO = {
  errors: number
  warnings: number
  /** How the script runs ("in one transaction", "as written, in its own transactions (…)…"); null for lints saved before it was recorded. */
  transactions: string | null
  /** `inTransaction`: inside Lockstep's transaction or the script's own BEGIN … COMMIT. */
  statements: {
    line: number
    kind: string
    lock: string
    transactional: boolean
    inTransaction: boolean
    sql: string
    findings: { rule: string; level: 'error' | 'warning'; message: string; help: string | null; line: number }[]
  }[]
}

/** What pages show of a lint report (statement texts cut; the full script is the step's body). */
export function lintDTO(lint: StoredLintReport): StepLintDTO {
  return {
    errors: lint.errors,
    warnings: lint.warnings,
    transactions: lint.transactions?.description ?? null,
    statements: lint.statements.map((s) => ({
      line: s.line,
      kind: s.kind,
      lock: s.lock,
      transactional: s.transactional,
      inTransaction: s.inTransaction ?? s.transactional,
      sql: s.sql.slice(0, 300),
      findings: s.findings,
    })),
  }
}

/** Editors: the lint of a script being written, before it is saved. */
export async function previewLint(actor: UserActor, input: unknown): Promise<StepLintDTO> {
  assertCan(actor, 'plan:edit')
  const sql = (input as { sql?: unknown } | null)?.sql
  if (typeof sql !== 'string' || !sql.trim()) throw invalid('Write a script to lint.')
  if (sql.length > MAX_SCRIPT_CHARS)
    throw invalid(`A script has at most ${MAX_SCRIPT_CHARS.toLocaleString('en')} characters.`)
  try {
    return lintDTO(await lintScripts(sql, null))
  } catch (error) {
    // The syntax error itself ("Syntax error on line 3: …") is the answer.
    const line = error instanceof DomainError ? error.fieldErrors?.body?.[0] : undefined
    throw line ? invalid(line) : error
  }
}
