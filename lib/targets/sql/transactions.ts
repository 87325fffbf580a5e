import type { Statement, ScriptBlock, TransactionMode } from '@/lib/domain/lint-report'

// How a script runs with respect to transactions:
// - `lockstep`: Lockstep wraps it in one transaction of its own (nothing stays behind on failure);
// - `script`: it writes its own BEGIN … COMMIT (Prisma does around enum changes), so it runs as written,
//   statement by statement, its blocks being its transactions, without Lockstep's;
// - `none`: a statement cannot run in a transaction (CREATE INDEX CONCURRENTLY…), so it runs statement by
//   statement, each on its own.

export type ScriptTransactions = {
  mode: TransactionMode
  blocks: ScriptBlock[]
  /** Per statement: whether it runs inside a transaction (Lockstep's or the script's own). */
  inTransaction: boolean[]
  /** What makes the script impossible to run as written, with the line; null when it can run. */
  problem: { line: number; message: string } | null
}

const lines = (blocks: ScriptBlock[]) =>
  blocks
    .map((b) => (b.beginLine === b.endLine ? `line ${b.beginLine}` : `lines ${b.beginLine}–${b.endLine}`))
    .join(', ')

/** The run mode in words, for logs, lint and the history ("in one transaction", "as written: …"). */
export function describeTransactions(t: Pick<ScriptTransactions, 'mode' | 'blocks'>): string {
  if (t.mode === 'lockstep') return 'in one transaction'
  if (t.mode === 'none') return 'statement by statement, outside a transaction'
  return `as written, in its own transactions (${lines(t.blocks)}), without Lockstep's`
}

export function scriptTransactions(statements: Statement[]): ScriptTransactions {
  const manages = statements.some((s) => s.transactionControl !== null)
  if (!manages) {
    const wrapped = statements.every((s) => s.transactional)
    return {
      mode: wrapped ? 'lockstep' : 'none',
      blocks: [],
      inTransaction: statements.map(() => wrapped),
      problem: null,
    }
  }
  const blocks: ScriptBlock[] = []
  const inTransaction: boolean[] = []
  let open: Statement | null = null
  let problem: ScriptTransactions['problem'] = null
  for (const s of statements) {
    if (s.transactionControl === 'begin') {
      // PostgreSQL only warns about a second BEGIN; the first one's transaction goes on.
      if (!open) open = s
      inTransaction.push(true)
    } else if (s.transactionControl === 'end') {
      inTransaction.push(open !== null)
      if (open) blocks.push({ begin: open.index, end: s.index, beginLine: open.line, endLine: s.line })
      open = null
    } else {
      inTransaction.push(open !== null)
      if (open && !s.transactional)
        problem ??= {
          line: s.line,
          message: `${s.kind} cannot run inside the script's own transaction (BEGIN on line ${open.line})`,
        }
    }
  }
  if (open)
    problem ??= {
      line: open.line,
      message:
        'BEGIN is never followed by COMMIT or ROLLBACK, so the transaction it starts would be rolled back at the end',
    }
  return { mode: 'script', blocks, inTransaction, problem }
}
