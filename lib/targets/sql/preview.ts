import {
  previewLocks,
  previewTimeouts,
  whyMode,
  whyOutside,
  type PreviewStatement,
  type SqlPreview,
} from '@/lib/domain/run-preview'
import { strongestLock } from './locks'
import { splitStatements, SqlSyntaxError } from './split'
import { describeTransactions, scriptTransactions } from './transactions'

// The preview of one script: the same parser split (splitStatements) and the same transaction decision
// (scriptTransactions) that lib/engine/sql/apply.ts runs before executing, so what is previewed is what the
// engine sends. It lives here, beside the parser, because both the web tier (lib/server may not import
// lib/engine) and the command line need it, and it touches no database.

/** How a script would run with these timeouts (the step's, or the command's; unset: the engine's defaults). */
export async function previewScript(
  sql: string,
  set: { lockTimeoutMs?: number; statementTimeoutMs?: number } = {},
  rollbackSql: string | null = null,
): Promise<SqlPreview> {
  const timeouts = previewTimeouts(set)
  const rollbackStatements =
    rollbackSql === null ? null : ((await splitStatements(rollbackSql).catch(() => null))?.length ?? null)
  let parsed
  try {
    parsed = await splitStatements(sql)
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error
    return {
      mode: 'lockstep',
      description: 'not at all',
      why: 'The script does not parse, so the run is refused before anything runs.',
      blocks: [],
      statements: [],
      timeouts,
      refusal: { line: error.line, message: `syntax error: ${error.reason}` },
      rollbackStatements,
    }
  }
  const transactions = scriptTransactions(parsed)
  const statements: PreviewStatement[] = parsed.map((s, i) => {
    const inside = transactions.inTransaction[i] ?? false
    return {
      index: s.index,
      line: s.line,
      sql: s.sql,
      kind: s.kind,
      runsIn: inside ? (transactions.mode === 'script' ? 'script' : 'lockstep') : 'none',
      transactionControl: s.transactionControl,
      outside: inside ? null : whyOutside(s, transactions.mode),
      lock: s.lock,
      locks: previewLocks(s.locks),
      lockUnknown: s.lockUnknown,
      strongest: strongestLock({ locks: s.locks, unknown: s.lockUnknown ? 'unknown' : null }),
      destructive: s.destructive,
    }
  })
  return {
    mode: transactions.mode,
    description: describeTransactions(transactions),
    why: whyMode(transactions.mode, parsed),
    blocks: transactions.blocks,
    statements,
    timeouts,
    refusal: transactions.problem,
    rollbackStatements,
  }
}
