import { blockersOf, Cancelled, type ApplyEvent, type TargetSession } from '@/lib/targets/sql/session'
import type { Statement, TransactionMode } from '@/lib/domain/lint-report'

// Runs a script's statements in a target session, one at a time, in the way its transaction mode says
// (./transactions.ts), and tells which statement a failure came from and where a retry must start.

export type RunningStatement = { version: string; index: number; sql: string; backendPid: number }

export type ExecuteOptions = {
  mode: TransactionMode
  from: number
  dryRun: boolean
  lockTimeoutMs: number
  statementTimeoutMs: number
  version: string
  log: (e: ApplyEvent) => void
  progress: (applied: number) => Promise<void>
  signal?: AbortSignal
  onStatement?: (running: RunningStatement | null) => void
}

/**
 * A failure while executing: the database's error (or Cancelled) with the statement it came from, the
 * session blocking it (for lock timeouts), and the statement a retry starts from.
 */
export type ExecutionFailure = Error & {
  code?: string
  position?: string
  detail?: string
  hint?: string
  blocker?: string | null
  statement?: Statement
  resumeAt?: number
}

/**
 * Runs `statements` in the session. `lockstep`: in one transaction (nothing stays behind on failure).
 * Otherwise one by one from `from`, calling `progress` after each; in `script` mode the script's own
 * BEGIN … COMMIT are sent as written, so the progress written inside a block commits or rolls back with
 * it, and a failure inside a block rolls it back and resumes at its BEGIN. A cancel stops between
 * statements and cancels the running one on the target.
 */
export async function execute(
  session: TargetSession,
  statements: Statement[],
  opts: ExecuteOptions,
): Promise<{ applied: number }> {
  const { client, monitor, pid } = session
  let blocker: string | null = null
  // While a statement runs, watch who blocks it: a lock timeout then says which session was in the way.
  const watch = setInterval(() => {
    void blockersOf(monitor, pid)
      .then((b) => (blocker = b ?? blocker))
      .catch(() => undefined)
  }, 100)
  const cancelRunning = () => void monitor.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined)
  opts.signal?.addEventListener('abort', cancelRunning)
  const fail = (error: unknown, statement: Statement | undefined, resumeAt?: number): ExecutionFailure =>
    Object.assign(error as Error, { blocker, statement, resumeAt })
  const run = async (statement: Statement) => {
    if (opts.signal?.aborted) throw new Cancelled()
    blocker = null
    const started = performance.now()
    opts.onStatement?.({ version: opts.version, index: statement.index, sql: statement.sql, backendPid: pid })
    const result = await client.query(statement.sql)
    opts.onStatement?.(null)
    const rows = Array.isArray(result) ? undefined : result.rowCount
    opts.log({
      level: 'info',
      version: opts.version,
      statement: statement.index + 1,
      message: `${statement.kind} (line ${statement.line}) done in ${Math.round(performance.now() - started)} ms${rows != null ? `, ${rows} rows` : ''}`,
    })
  }
  try {
    await client.query(
      `SET lock_timeout = ${Math.round(opts.lockTimeoutMs)}; SET statement_timeout = ${Math.round(opts.statementTimeoutMs)}`,
    )
    if (opts.mode === 'lockstep') {
      await client.query('BEGIN')
      let current: Statement | undefined
      try {
        for (const statement of statements) {
          current = statement
          await run(statement)
        }
        current = undefined
        if (opts.signal?.aborted) throw new Cancelled()
        await client.query(opts.dryRun ? 'ROLLBACK' : 'COMMIT')
        return { applied: statements.length }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw fail(error, current, 0)
      }
    }
    let applied = opts.from
    // The BEGIN of the script's own transaction that is open now, if any.
    let openBlock: Statement | null = null
    for (const statement of statements.slice(opts.from)) {
      try {
        await run(statement)
        if (statement.transactionControl === 'begin') openBlock ??= statement
        else if (statement.transactionControl === 'end') openBlock = null
        applied++
        await opts.progress(applied)
      } catch (error) {
        // An error inside the script's transaction aborted it: end it, so the session can go on.
        if (openBlock) await client.query('ROLLBACK').catch(() => undefined)
        throw fail(error, statement, openBlock ? openBlock.index : applied)
      }
    }
    return { applied }
  } finally {
    opts.onStatement?.(null)
    opts.signal?.removeEventListener('abort', cancelRunning)
    clearInterval(watch)
  }
}

/** Where in the script an error happened: the statement's line, moved to the error's position within it. */
export function lineOf(failure: ExecutionFailure): number | null {
  const statement = failure.statement
  if (!statement) return null
  const position = Number(failure.position)
  if (!Number.isInteger(position) || position < 1) return statement.line
  return statement.line + (statement.sql.slice(0, position - 1).match(/\n/g)?.length ?? 0)
}
