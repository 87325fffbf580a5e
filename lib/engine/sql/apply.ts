import type pg from 'pg'
import { isConnectionLost, type PostgresTarget } from '@/lib/targets/postgres'
import { quoteIdent } from '@/lib/targets/quote'
import { redact } from '@/lib/domain/redact'
import { checksumOf, HISTORY_TABLE, markRolledBack, type HistoryRow } from '@/lib/targets/sql/history'
import { execute, lineOf, type ExecutionFailure, type RunningStatement } from './execute'
import {
  ApplyRefused,
  Cancelled,
  withTargetSession,
  type ApplyEvent,
  type TargetSession,
} from '@/lib/targets/sql/session'
import { splitStatements, SqlSyntaxError } from '@/lib/targets/sql/split'
import type { Statement } from '@/lib/domain/lint-report'
import { SQL_RUN_DEFAULTS } from '@/lib/domain/run-preview'
import { describeTransactions, scriptTransactions, type ScriptTransactions } from '@/lib/targets/sql/transactions'

export type { RunningStatement } from './execute'

// Applies versioned SQL scripts to a PostgreSQL target, the way the worker and `lockstep sql apply` do,
// inside a session holding Lockstep's lock on it (./session.ts) and recorded in its history table
// (./history.ts): each script in one transaction unless a statement forbids it (then statement by
// statement, with progress recorded after each) or it writes its own BEGIN … COMMIT (then as written,
// see ./transactions.ts), lock_timeout with retries that name the blocking session, statement_timeout,
// and a failed script kept FAILED until someone resolves it. Every failure names the script's file (or
// step) and line.

/**
 * `label`: how messages name the script when its version is an internal key (a plan step's id);
 * `file`: the file it was read from, relative to its directory.
 */
export type Script = {
  version: string
  description: string
  sql: string
  rollbackSql?: string | null
  label?: string
  file?: string
}

/** The script as messages name it: "V1 (orders table)" from a directory, "“Add status”" for a plan step. */
const named = (script: Script) => (script.label ? `“${script.label}”` : `${script.version} (${script.description})`)
const short = (script: Script) => (script.label ? `“${script.label}”` : script.version)
/** Where a line is: "V1__orders.sql, line 3" for a file, "line 3" for a plan step (its run names the step). */
const at = (script: Script, line: number | null, rollback = false) => {
  const where = line === null ? '' : `line ${line}`
  if (script.label) return `${rollback ? 'rollback script, ' : ''}${where}`.replace(/, $/, '')
  const file = rollback ? `${script.version} rollback script` : (script.file ?? script.version)
  return where ? `${file}, ${where}` : file
}

/** The database's error with where it happened and what PostgreSQL adds (DETAIL, HINT). */
function located(script: Script, failure: ExecutionFailure, message: string, rollback = false): string {
  const where = at(script, lineOf(failure), rollback)
  const extra = [failure.detail, failure.hint ? `Hint: ${failure.hint}` : ''].filter(Boolean).join(' ')
  return `${where ? `${where}: ` : ''}${message}${extra ? ` (${extra})` : ''}`
}

export type ApplyOptions = {
  appliedBy: string
  dryRun?: boolean
  lockTimeoutMs?: number
  lockRetries?: number
  statementTimeoutMs?: number
  /** How long to wait for another run on the same target to finish. */
  lockWaitMs?: number
  /** Run scripts again that failed before (a person decided to retry). */
  retryFailed?: boolean
  log?: (event: ApplyEvent) => void
  /** Cancel: stops between statements and cancels the running one on the target (pg_cancel_backend). */
  signal?: AbortSignal
  /** Told when a statement starts (with the backend running it) and when it ends (null). */
  onStatement?: (running: RunningStatement | null) => void
  /** False: neither read nor write the history table (a rehearsal's scripts are not the plan's versions). */
  recordHistory?: boolean
  /**
   * A person's acceptance of an applied script's new text (Flyway's repair) for exactly this pair of
   * history checksums, or null: with one, the history row takes the new checksum instead of the run refusing.
   */
  acceptedChange?: (change: { version: string; from: string; to: string }) => Promise<AcceptedChange | null>
}

export type AcceptedChange = { by: string; reason: string }

export type ScriptOutcome = {
  version: string
  status: 'APPLIED' | 'ALREADY_APPLIED' | 'FAILED' | 'DRY_RUN' | 'SKIPPED' | 'CANCELLED'
  statementsApplied: number
  statementsTotal: number
  durationMs: number
  error?: string
  /** How it ran: in Lockstep's transaction, in its own (as written), or statement by statement. */
  transactions?: string
  /** Why it was skipped. */
  reason?: string
}

const LOCK_NOT_AVAILABLE = '55P03'
const QUERY_CANCELED = '57014'

type InvalidIndex = { schema: string; name: string }

const qualified = (index: InvalidIndex) => `${quoteIdent(index.schema)}.${quoteIdent(index.name)}`

/** After a failed CREATE INDEX CONCURRENTLY: the index it left behind, marked INVALID. */
async function invalidIndexes(client: pg.Client, statements: Statement[]): Promise<InvalidIndex[]> {
  // The names are PostgreSQL's own (folded by the parser); the table, found the way the statement found it,
  // tells which schema's index of that name is meant.
  const built = statements.flatMap(({ concurrentIndex: b }) =>
    b?.name
      ? [{ name: b.name, table: `${b.schema === null ? '' : `${quoteIdent(b.schema)}.`}${quoteIdent(b.table)}` }]
      : [],
  )
  if (built.length === 0) return []
  const { rows } = await client.query<InvalidIndex>(
    `SELECT n.nspname AS schema, c.relname AS name FROM unnest($1::text[], $2::text[]) AS b(name, "table")
       JOIN pg_class c ON c.relname = b.name JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_index i ON i.indexrelid = c.oid AND i.indrelid = to_regclass(b."table")
      WHERE NOT i.indisvalid`,
    [built.map((b) => b.name), built.map((b) => b.table)],
  )
  return rows
}

export async function applyScripts(
  target: PostgresTarget,
  scripts: Script[],
  options: ApplyOptions,
): Promise<ScriptOutcome[]> {
  return withTargetSession(target, options, (session) => applyInSession(session, scripts, options))
}

type Parsed = { statements: Statement[]; transactions: ScriptTransactions }

/** Parses a script; a syntax error, or a transaction it cannot run as written, refuses the run with its file and line. */
async function parse(script: Script, sql: string, rollback = false): Promise<Parsed> {
  let statements: Statement[]
  try {
    statements = await splitStatements(sql)
  } catch (error) {
    if (error instanceof SqlSyntaxError)
      throw new ApplyRefused(
        `${at(script, error.line, rollback)}: syntax error: ${error.reason}. Nothing was run; correct the script first.`,
      )
    throw error
  }
  const transactions = scriptTransactions(statements)
  if (transactions.problem)
    throw new ApplyRefused(
      `${at(script, transactions.problem.line, rollback)}: ${transactions.problem.message}. Nothing was run; correct the script first.`,
    )
  return { statements, transactions }
}

/** Why a script is not tried in a dry run (it cannot be rolled back afterwards), or null. */
function notInDryRun({ statements, transactions }: Parsed): string | null {
  if (transactions.mode === 'lockstep') return null
  if (transactions.mode === 'script')
    return `it manages its own transactions (BEGIN on line ${transactions.blocks[0]?.beginLine ?? '?'}), so what it did could not be rolled back afterwards`
  const first = statements.find((s) => !s.transactional)
  return `${first?.kind ?? 'a statement'} (line ${first?.line ?? '?'}) cannot run inside a transaction`
}

/** Applies scripts in a session that holds the target's lock (see withTargetSession). */
export async function applyInSession(
  session: TargetSession,
  scripts: Script[],
  options: ApplyOptions,
): Promise<ScriptOutcome[]> {
  const { client } = session
  const log = options.log ?? (() => undefined)
  const lockTimeoutMs = options.lockTimeoutMs ?? SQL_RUN_DEFAULTS.lockTimeoutMs
  const lockRetries = options.lockRetries ?? SQL_RUN_DEFAULTS.lockRetries
  const statementTimeoutMs = options.statementTimeoutMs ?? SQL_RUN_DEFAULTS.statementTimeoutMs
  const outcomes: ScriptOutcome[] = []
  const keepsHistory = options.recordHistory !== false
  const writesHistory = keepsHistory && !options.dryRun
  const history = new Map(
    keepsHistory
      ? (
          await client.query<HistoryRow>(
            `SELECT version, checksum, success, statements_applied, rolled_back_at, error FROM ${HISTORY_TABLE}`,
          )
        ).rows.map((r) => [r.version, r])
      : [],
  )
  const isApplied = (script: Script) => {
    const row = history.get(script.version)
    return !!row?.success && !row.rolled_back_at
  }
  // Refuse before running anything: an applied script changed, a failed one awaits a decision, or a
  // script still to run cannot be parsed or run as written.
  for (const script of scripts) {
    const row = history.get(script.version)
    if (!row || row.rolled_back_at) continue
    const accepted =
      row.checksum !== checksumOf(script.sql)
        ? await options.acceptedChange?.({ version: script.version, from: row.checksum, to: checksumOf(script.sql) })
        : null
    if (accepted) {
      if (writesHistory)
        await client.query(`UPDATE ${HISTORY_TABLE} SET checksum = $2 WHERE version = $1 AND checksum = $3`, [
          script.version,
          checksumOf(script.sql),
          row.checksum,
        ])
      log({
        level: 'warn',
        version: script.version,
        message: `${named(script)} changed after it ran; ${accepted.by} accepted its new checksum (${row.checksum.slice(0, 12)}… → ${checksumOf(script.sql).slice(0, 12)}…): “${accepted.reason}”. ${writesHistory ? 'The history row now holds the new checksum' : 'A real run updates the history row'}; the script is not run again.`,
      })
      history.set(script.version, { ...row, checksum: checksumOf(script.sql) })
    } else if (row.checksum !== checksumOf(script.sql)) {
      throw new ApplyRefused(
        `${named(script)} changed after it ran: its checksum was ${row.checksum.slice(0, 12)}…, the file's is now ${checksumOf(script.sql).slice(0, 12)}…. An applied script must not change; put the change in a new version.`,
      )
    }
    if (!row.success && row.error && !options.retryFailed && !options.dryRun) {
      throw new ApplyRefused(
        `${named(script)} failed earlier (${row.error}) and awaits a decision: retry it, run its rollback, or mark it rolled back or applied.`,
      )
    }
  }
  const parsed = new Map<Script, Parsed>()
  for (const script of scripts) if (!isApplied(script)) parsed.set(script, await parse(script, script.sql))
  for (const script of scripts) {
    const row = history.get(script.version)
    const ready = parsed.get(script)
    if (!ready) {
      const total = (await splitStatements(script.sql).catch(() => null))?.length ?? row?.statements_applied ?? 0
      outcomes.push({
        version: script.version,
        status: 'ALREADY_APPLIED',
        statementsApplied: total,
        statementsTotal: total,
        durationMs: 0,
      })
      continue
    }
    const { statements, transactions } = ready
    const wrapped = transactions.mode === 'lockstep'
    const how = describeTransactions(transactions)
    const skip = options.dryRun ? notInDryRun(ready) : null
    if (skip) {
      log({ level: 'warn', version: script.version, message: `Not tried in a dry run: ${skip}.` })
      outcomes.push({
        version: script.version,
        status: 'SKIPPED',
        statementsApplied: 0,
        statementsTotal: statements.length,
        durationMs: 0,
        transactions: how,
        reason: skip,
      })
      continue
    }
    // A script run statement by statement that stopped part-way resumes at its first unapplied statement.
    const from = !wrapped && row && !row.rolled_back_at ? row.statements_applied : 0
    const resumed = statements[from]
    if (!wrapped && row && resumed) {
      // An interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index that would make the retry fail.
      for (const index of await invalidIndexes(client, [resumed])) {
        log({
          level: 'warn',
          version: script.version,
          message: `Dropping the INVALID index ${index.name} the interrupted attempt left, before building it again.`,
        })
        await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(index)}`)
      }
    }
    const started = new Date()
    if (writesHistory) {
      await client.query(
        `INSERT INTO ${HISTORY_TABLE} (version, description, checksum, applied_by, started_at, statements_total, statements_applied, success, error, rolled_back_at, finished_at, duration_ms, transaction_mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7, false, NULL, NULL, NULL, NULL, $8)
         ON CONFLICT (version) DO UPDATE SET checksum = $3, applied_by = $4, started_at = $5, statements_total = $6, statements_applied = $7, success = false, error = NULL, rolled_back_at = NULL, finished_at = NULL, duration_ms = NULL, transaction_mode = $8`,
        [
          script.version,
          script.description,
          checksumOf(script.sql),
          options.appliedBy,
          started,
          statements.length,
          from,
          transactions.mode,
        ],
      )
    }
    log({
      level: 'info',
      version: script.version,
      message: `${options.dryRun ? 'Trying' : 'Applying'} ${short(script)} (${statements.length} statements, ${how}${from ? `, resuming at statement ${from + 1}` : ''}).`,
    })
    let attempt = 0
    let done = from // a retry after a lock timeout goes on from the statement that timed out (or its block's BEGIN)
    for (;;) {
      try {
        const { applied } = await execute(session, statements, {
          mode: transactions.mode,
          from: done,
          dryRun: !!options.dryRun,
          lockTimeoutMs,
          statementTimeoutMs,
          version: script.version,
          log,
          signal: options.signal,
          onStatement: options.onStatement,
          progress: async (n) => {
            done = n
            if (writesHistory)
              await client.query(`UPDATE ${HISTORY_TABLE} SET statements_applied = $2 WHERE version = $1`, [
                script.version,
                n,
              ])
          },
        })
        const durationMs = Date.now() - +started
        if (writesHistory) {
          await client.query(
            `UPDATE ${HISTORY_TABLE} SET success = true, statements_applied = $2, finished_at = now(), duration_ms = $3 WHERE version = $1`,
            [script.version, applied, durationMs],
          )
        }
        outcomes.push({
          version: script.version,
          status: options.dryRun ? 'DRY_RUN' : 'APPLIED',
          statementsApplied: applied,
          statementsTotal: statements.length,
          durationMs,
          transactions: how,
        })
        break
      } catch (error) {
        const e = error as ExecutionFailure
        if (!wrapped && e.resumeAt !== undefined) done = e.resumeAt
        const cancelled = e instanceof Cancelled || (e.code === QUERY_CANCELED && !!options.signal?.aborted)
        if (!cancelled && e.code === LOCK_NOT_AVAILABLE && attempt < lockRetries) {
          attempt++
          const backoff = SQL_RUN_DEFAULTS.lockRetryBaseMs * 2 ** (attempt - 1)
          log({
            level: 'warn',
            version: script.version,
            message: `${at(script, lineOf(e))}: no lock within ${lockTimeoutMs} ms${e.blocker ? `; blocked by ${e.blocker}` : ''}. Retry ${attempt} of ${lockRetries} in ${backoff} ms.`,
          })
          await new Promise((r) => setTimeout(r, backoff))
          continue
        }
        let message = e.message
        if (e.code === LOCK_NOT_AVAILABLE)
          message = `No lock within ${lockTimeoutMs} ms after ${lockRetries + 1} tries${e.blocker ? `; blocked by ${e.blocker}` : ''}.`
        else if (cancelled) message = 'Cancelled by a person.'
        else if (e.code === QUERY_CANCELED)
          message = `Stopped by statement_timeout (${statementTimeoutMs} ms) or a cancel from another session: ${message}`
        message = redact(cancelled ? message : located(script, e, message), session.secrets)
        // A lost connection cannot record anything more on the target: say what happened instead.
        const lost = !cancelled && isConnectionLost(e)
        const invalid = wrapped || lost ? [] : await invalidIndexes(client, statements).catch(() => [])
        if (invalid[0])
          message += ` The index ${invalid.map((i) => i.name).join(', ')} was left INVALID; drop it (DROP INDEX CONCURRENTLY ${qualified(invalid[0])}) before retrying.`
        const applied = wrapped
          ? 0
          : !writesHistory || lost
            ? done
            : ((
                await client
                  .query<{ n: number }>(`SELECT statements_applied AS n FROM ${HISTORY_TABLE} WHERE version = $1`, [
                    script.version,
                  ])
                  .catch(() => null)
              )?.rows[0]?.n ?? 0)
        if (lost) {
          message = `The target ended the connection (${message}). ${wrapped ? 'Nothing of this script was kept' : `${applied} of its ${statements.length} statements stay applied`}; retry the run to go on.`
        } else if (writesHistory) {
          // A cancelled transactional script left nothing behind: it counts as rolled back, free to run again.
          if (cancelled && wrapped)
            await client.query(
              `UPDATE ${HISTORY_TABLE} SET success = false, error = $2, finished_at = now(), duration_ms = $3, rolled_back_at = now() WHERE version = $1`,
              [script.version, message, Date.now() - +started],
            )
          else
            await client.query(
              `UPDATE ${HISTORY_TABLE} SET success = false, error = $2, finished_at = now(), duration_ms = $3 WHERE version = $1`,
              [script.version, message, Date.now() - +started],
            )
        }
        log({
          level: cancelled ? 'warn' : 'error',
          version: script.version,
          message: `${short(script)} ${cancelled ? 'cancelled' : 'failed'}: ${message}`,
        })
        outcomes.push({
          version: script.version,
          status: cancelled ? 'CANCELLED' : 'FAILED',
          statementsApplied: applied,
          statementsTotal: statements.length,
          durationMs: Date.now() - +started,
          error: message,
          transactions: how,
        })
        return outcomes
      }
    }
  }
  return outcomes
}

/** Runs a script's rollback and marks it rolled back in the history (so it may be applied again later). */
export async function rollbackScript(
  target: PostgresTarget,
  script: Script,
  options: ApplyOptions,
): Promise<ScriptOutcome> {
  return withTargetSession(target, options, (session) => rollbackInSession(session, script, options))
}

export async function rollbackInSession(
  session: TargetSession,
  script: Script,
  options: ApplyOptions,
): Promise<ScriptOutcome> {
  if (!script.rollbackSql) throw new ApplyRefused(`${short(script)} has no rollback script.`)
  const { statements, transactions } = await parse(script, script.rollbackSql, true)
  const started = Date.now()
  try {
    const { applied } = await execute(session, statements, {
      mode: transactions.mode,
      from: 0,
      dryRun: !!options.dryRun,
      lockTimeoutMs: options.lockTimeoutMs ?? SQL_RUN_DEFAULTS.lockTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs ?? SQL_RUN_DEFAULTS.statementTimeoutMs,
      version: `${script.version}.rollback`,
      log: options.log ?? (() => undefined),
      signal: options.signal,
      onStatement: options.onStatement,
      progress: async () => undefined,
    })
    if (!options.dryRun && options.recordHistory !== false) await markRolledBack(session, script.version)
    return {
      version: script.version,
      status: options.dryRun ? 'DRY_RUN' : 'APPLIED',
      statementsApplied: applied,
      statementsTotal: statements.length,
      durationMs: Date.now() - started,
      transactions: describeTransactions(transactions),
    }
  } catch (error) {
    const message = redact(located(script, error as ExecutionFailure, (error as Error).message, true), session.secrets)
    return {
      version: script.version,
      status: 'FAILED',
      statementsApplied: 0,
      statementsTotal: statements.length,
      durationMs: Date.now() - started,
      error: message,
    }
  }
}
