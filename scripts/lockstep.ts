// The `lockstep` command line: a thin layer over lib/. See `lockstep help`.
import { readFile, stat } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import { exportEnv, launcherEnv } from '@/lib/env'
import { formatPlanDocument } from '@/lib/plan-document/format'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from '@/lib/plan-document/limits'
import { parsePlanDocument } from '@/lib/plan-document/parse'
import { DocumentError, ZDocPlan } from '@/lib/plan-document/types'
import { openDatabaseForTool } from '@/lib/runtime/database'
import { resolveDataDir } from '@/lib/runtime/local-state'
import type { UserActor } from '@/lib/server/actor'
import { formatCliError } from './cli'
import { flag, milliseconds, option, targetOption, UsageError } from './cli-args'
import { copyCommand } from './copy-command'
import { validateCommand } from './validate-command'
import { driftCommand } from './drift-command'

const USAGE = `Usage: lockstep <command>

  lockstep plan parse FILE.md             the plan a Markdown document describes, as JSON (no database)
  lockstep plan format FILE.json          a plan as JSON (as parse prints it) back to Markdown (no database)
  lockstep plan import FILE.md [--as EMAIL]
                                          saves the document as a new draft plan and prints its id;
                                          EMAIL is the lead, DBA or admin it is imported as (default: the first admin)
  lockstep plan export PLAN_ID            the plan as Markdown

  lockstep sql lint FILE.sql [--json]     statements, the lock each takes, whether each runs in a
                                          transaction, and squawk's findings; exit 1 when a finding
                                          is an error
  lockstep sql apply --target URL --dir DIR [--dry-run] [--json] [--retry-failed]
                    [--lock-timeout MS] [--statement-timeout MS]
                                          applies V1__name.sql (U1__name.sql undoes it) or Prisma
                                          <ts>_<name>/migration.sql scripts in order, recorded in
                                          lockstep.schema_history on the target; a script with its own
                                          BEGIN/COMMIT runs as written; exit 1 when a script fails,
                                          3 when refused (an applied script changed, a failed script
                                          awaits a decision, a script does not parse, another run holds
                                          the target), 4 when all ran but something was not run (a
                                          folder without migration.sql, a script a dry run skips)
  lockstep sql apply --plan-only --dir DIR [--lock-timeout MS] [--statement-timeout MS] [--json]
                                          prints what apply would run, without connecting to any
                                          database: each statement in order with its line, Lockstep's
                                          BEGIN/COMMIT or the script's own, what runs outside a
                                          transaction and why, the table lock each statement takes and
                                          the timeouts; exit 3 when a script would be refused, 4 when
                                          something in DIR is not run

  lockstep copy --from SQLITE_FILE|URL --to URL [--tables a,b] [--jobs N] [--into-existing]
                [--existing-rows empty|merge] [--yes] [--schema NAME]
                [--chunk-rows N] [--max-rejects N] [--reload] [--rejects FILE.csv] [--json]
                                          copies tables into PostgreSQL (created there, keys and indexes
                                          after the load; or into existing tables: with rows in them only
                                          when told to empty them first or merge by key), resumable: run
                                          it again after an interruption and it continues; a finished copy
                                          is not repeated unless --reload. Prints the per-table summary,
                                          the rows left behind and the objects not copied, with reasons;
                                          exit 1 when the copy fails (also: more rejected rows than
                                          --max-rejects, default 0), 3 when refused, 4 when schema objects
                                          were not copied

  lockstep validate --source SQLITE_FILE|URL --target URL [--tables a,b] [--max-samples N]
                    [--max-differences N] [--no-integrity] [--json]
                                          compares the target's rows with the source's, table by table,
                                          and checks the target's integrity (orphans, NOT NULL, unique);
                                          prints the tables, the differing rows and findings; exit 0 when
                                          everything matches, 1 when rows differ or there are findings,
                                          3 when a database cannot be reached or read, 130 interrupted

  lockstep sync --from SQLITE_FILE|URL --to URL [--tables a,b] [--schema a,b] [--mapping FILE.json]
                [--confirm-capture] [--into-existing [--existing-rows empty|merge] [--yes]]
                [--chunk-rows N] [--jobs N] [--json]
                                          copies the tables, then follows the source's changes onto the
                                          target until Ctrl-C (exit 0, printing where it stopped); run it
                                          again and it goes on without copying again. A SQLite source gets
                                          triggers and a _lockstep_sync_… change table until the cutover:
                                          --confirm-capture agrees to it (refused without: exit 3). A
                                          PostgreSQL source needs wal_level = logical (a replication slot)

  lockstep cutover --from SQLITE_FILE|URL --to URL [the scope given to sync] [--prepare] [--json]
                                          once the application stopped writing to the source: applies the
                                          last changes, sets the sequences, validates and, when all match,
                                          removes the capture or slot; prints the downtime. Exit 0 done,
                                          1 differences (the sync stays: run sync again), 3 no such sync.
                                          --prepare, while the application still writes: validates every row
                                          and records it, so the cutover compares only the rows changed since

  lockstep drift --target URL --dir DIR [--dev-url URL] [--json]
                                          compares the target's schema with the one DIR's scripts give (those
                                          its lockstep.schema_history says are applied, replayed into a scratch
                                          database on the target's server, or on --dev-url's): each object that
                                          differs, with the DDL that reproduces it. Exit 0 no drift, 1 drift,
                                          3 refused (a database unreachable, a script that does not replay)

  lockstep remote push --plan PLAN --phase PHASE --dir DIR [--allow-applied-change] [--dry-run] [--json]
                                          over Lockstep's API (--url URL or LOCKSTEP_URL; the token in
                                          LOCKSTEP_TOKEN or --token-file FILE, never a flag): keeps DIR's
                                          scripts (as sql apply reads them, with their undo scripts) as the
                                          phase's SQL steps, one per script, in order; prints created, updated
                                          or unchanged for each; --dry-run writes nothing
  lockstep remote run --plan PLAN --phase PHASE --env ENVIRONMENT [--dry-run] [--wait] [--timeout SECONDS]
                      [--idempotency-key KEY] [--json]
                                          starts a run and prints its address; --wait prints its log as it
                                          goes and exits with its outcome: 0 succeeded, 1 failed, cancelled or
                                          rolled back, 4 waits at a manual gate, 5 --timeout passed
  lockstep remote status [--plan PLAN] [--json]
                                          who the token is, and the plans (or PLAN's phases and environments)
                                          PLAN, PHASE and ENVIRONMENT are ids or exact names. Exit 3 when
                                          Lockstep refuses (the reason on standard error), 4 (push) when
                                          something in DIR is not pushed, 6 when Lockstep cannot be reached

FILE may be - for standard input. The database is DATABASE_URL, or else the embedded one of \`npm start\`.`

async function readInput(file: string | undefined): Promise<Buffer> {
  if (!file) throw new UsageError('Name the file to read.')
  if (file === '-') {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_DOCUMENT_BYTES) throw new DocumentError(TOO_LARGE)
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  }
  const path = resolve(file)
  const info = await stat(path).catch(() => null)
  if (!info) throw new DocumentError(`Cannot read ${file}: no such file.`)
  if (!info.isFile()) throw new DocumentError(`Cannot read ${file}: not a file.`)
  if (info.size > MAX_DOCUMENT_BYTES) throw new DocumentError(TOO_LARGE)
  // Named as given: the file system's own message would carry the absolute path.
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new DocumentError(
      `Cannot read ${file}: ${error.code === 'EACCES' || error.code === 'EPERM' ? 'permission denied' : (error.code ?? 'unreadable')}.`,
    )
  })
}

/** The file as given ("-" is standard input), for messages. */
const fileLabel = (file: string | undefined) => (!file || file === '-' ? 'standard input' : file)

/** Reads a plan document; a document that cannot be a plan is refused naming the file. */
async function readPlanDocument(file: string | undefined) {
  const input = await readInput(file)
  try {
    return parsePlanDocument(input)
  } catch (error) {
    if (error instanceof DocumentError) throw new DocumentError(`${fileLabel(file)}: ${error.message}`)
    throw error
  }
}

function printWarnings(file: string | undefined, warnings: { line: number | null; message: string }[]) {
  for (const w of warnings)
    console.error(`warning (${fileLabel(file)}${w.line ? ` line ${w.line}` : ''}): ${w.message}`)
}

/** Runs `body` against Lockstep's database, acting as the user `email` (or the first admin). Modules that use the
 * database must be imported inside `body`, once DATABASE_URL is known. */
async function withDatabase<T>(
  email: string | undefined,
  body: (actor: UserActor) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const env = launcherEnv()
  const database = await openDatabaseForTool({
    dataDir: resolveDataDir(env.LOCKSTEP_DATA_DIR),
    databaseUrl: env.DATABASE_URL,
  })
  try {
    exportEnv({ DATABASE_URL: database.url })
    const { applyMigrations } = await import('@/lib/migrate/migrations')
    await applyMigrations(database.url)
    const { db } = await import('@/lib/db')
    try {
      // Reading needs no particular role: without --as, any active user (admins first) will do.
      const user = await db.user.findFirst({
        where: email
          ? { email: email.toLowerCase(), isActive: true }
          : options.readOnly
            ? { isActive: true }
            : { role: 'ADMIN', isActive: true },
        orderBy: [{ role: 'asc' }, { createdAt: 'asc' }],
      })
      if (!user)
        throw new UsageError(
          email ? `No active user has the email ${email}.` : 'There is no active admin; name a user with --as EMAIL.',
        )
      return await body({
        kind: 'user',
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        origin: 'cli',
      })
    } finally {
      await db.$disconnect()
    }
  } finally {
    await database.close()
  }
}

const IN_TRANSACTION = {
  lockstep: "in Lockstep's transaction",
  script: "in the script's own transaction",
  none: 'outside a transaction',
} as const

async function sqlLint(args: string[], json: boolean): Promise<number> {
  const [file, ...extra] = args
  if (!file || extra.length) throw new UsageError('Usage: lockstep sql lint FILE.sql [--json]')
  const [{ lintSql }, { SqlSyntaxError }] = await Promise.all([
    import('@/lib/targets/sql/lint'),
    import('@/lib/targets/sql/split'),
  ])
  const name = file === '-' ? 'standard input' : file
  const report = await lintSql((await readInput(file)).toString('utf8')).catch((error: Error) => {
    if (error instanceof SqlSyntaxError)
      throw new DocumentError(`${name}, line ${error.line}: syntax error: ${error.reason}`)
    throw new DocumentError(`${name}: ${error.message}`)
  })
  if (json) {
    console.log(JSON.stringify(report, null, 2))
    return report.errors > 0 ? 1 : 0
  }
  console.log(`${name}: runs ${report.transactions.description}`)
  for (const s of report.statements) {
    const where = s.inTransaction ? IN_TRANSACTION[report.transactions.mode] : 'outside a transaction'
    console.log(
      `line ${s.line}: ${s.kind} – ${s.transactionControl ? "the script's own transaction control" : where}; locks: ${s.lock}`,
    )
    for (const f of s.findings) console.log(`  ${f.level}: ${f.message}${f.help ? ` (${f.help})` : ''} [${f.rule}]`)
  }
  console.log(`${report.statements.length} statements, ${report.errors} errors, ${report.warnings} warnings`)
  return report.errors > 0 ? 1 : 0
}

async function sqlApply(args: string[], json: boolean): Promise<number> {
  const url = option(args, '--target')
  const dir = option(args, '--dir')
  const dryRun = flag(args, '--dry-run')
  const retryFailed = flag(args, '--retry-failed')
  const lockTimeoutMs = milliseconds(option(args, '--lock-timeout'), '--lock-timeout')
  const statementTimeoutMs = milliseconds(option(args, '--statement-timeout'), '--statement-timeout')
  const planOnly = flag(args, '--plan-only')
  if (planOnly) {
    // Nothing is sent anywhere: a --target given beside it (a CI line with --plan-only added) is not used.
    if (!dir || args.length || dryRun || retryFailed)
      throw new UsageError(
        'Usage: lockstep sql apply --plan-only --dir DIR [--lock-timeout MS] [--statement-timeout MS] [--json]',
      )
    const { sqlPlanOnly } = await import('./sql-plan-only')
    return sqlPlanOnly(dir, { lockTimeoutMs, statementTimeoutMs }, json)
  }
  if (!url || !dir || args.length)
    throw new UsageError('Usage: lockstep sql apply --target postgresql://… --dir DIR [--dry-run] [--json]')
  const target = await targetOption(url, '--target')
  const [{ applyScripts }, { ApplyRefused }] = await Promise.all([
    import('@/lib/engine/sql/apply'),
    import('@/lib/targets/sql/session'),
  ])
  const { readScriptsDir } = await import('@/lib/engine/sql/scripts-dir')
  const { scripts, skipped } = await readScriptsDir(resolve(dir)).catch((error: Error) => {
    // Named as given: the absolute path is the machine's business.
    throw new DocumentError(error.message.replaceAll(resolve(dir), dir))
  })
  if (!json) for (const s of skipped) console.error(`Not run: ${s.name} – ${s.reason}.`)
  try {
    const outcomes = await applyScripts(target, scripts, {
      appliedBy: `lockstep cli (${userInfo().username})`,
      dryRun,
      retryFailed,
      lockTimeoutMs,
      statementTimeoutMs,
      log: json
        ? undefined
        : (e) =>
            (e.level === 'info' ? console.log : console.error)(
              `${e.level === 'info' ? '' : `${e.level}: `}${e.message}`,
            ),
    })
    const notRun = skipped.length + outcomes.filter((o) => o.status === 'SKIPPED').length
    if (json) console.log(JSON.stringify({ outcomes, skipped }, null, 2))
    else {
      console.log(
        outcomes
          .map(
            (o) =>
              `${o.version}: ${o.status.toLowerCase().replace('_', ' ')}${o.status === 'APPLIED' && o.transactions && !o.transactions.startsWith('in one') ? ` (${o.transactions})` : ''}${o.error ? ` – ${o.error}` : ''}${o.reason ? ` – ${o.reason}` : ''}`,
          )
          .join('\n'),
      )
      if (notRun)
        console.error(`${notRun} ${notRun === 1 ? 'migration was' : 'migrations were'} not run (listed above).`)
    }
    if (outcomes.some((o) => o.status === 'FAILED' || o.status === 'CANCELLED')) return 1
    return notRun ? 4 : 0
  } catch (error) {
    if (error instanceof ApplyRefused) {
      if (json) console.log(JSON.stringify({ refused: error.message, skipped }, null, 2))
      console.error(`Refused: ${error.message}`)
      return 3
    }
    throw error
  }
}

async function sqlCommand(command: string | undefined, args: string[]): Promise<number> {
  const json = flag(args, '--json')
  if (command === 'lint') return sqlLint(args, json)
  if (command === 'apply') return sqlApply(args, json)
  throw new UsageError(`Unknown command: sql ${command ?? ''}`)
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv]
  if (args[0] === 'sql') return sqlCommand(args[1], args.slice(2))
  if (args[0] === 'copy') return copyCommand(args.slice(1))
  if (args[0] === 'validate') return validateCommand(args.slice(1))
  if (args[0] === 'drift') return driftCommand(args.slice(1))
  // Normally reached through its own entry point (bin/lockstep.mjs); the same command here.
  if (args[0] === 'remote') return (await import('./remote-command')).remoteCommand(args.slice(1))
  if (args[0] === 'sync' || args[0] === 'cutover') {
    // The lean entry point handles both, refusals included (bin/lockstep.mjs normally goes there directly).
    await import('./lockstep-sync')
    return 0
  }
  const as = option(args, '--as')
  const [group, command, target, ...extra] = args
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    console.log(USAGE)
    return group ? 0 : 2
  }
  if (group !== 'plan' || !command) throw new UsageError(`Unknown command: ${args.join(' ')}`)
  if (extra.length) throw new UsageError(`Unexpected: ${extra.join(' ')}`)
  switch (command) {
    case 'parse': {
      const plan = await readPlanDocument(target)
      console.log(JSON.stringify(plan, null, 2))
      return 0
    }
    case 'format': {
      const text = (await readInput(target)).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw new DocumentError(`${target} is not valid JSON: ${(error as Error).message}`)
      }
      const plan = ZDocPlan.safeParse(json)
      if (!plan.success) {
        const problems = plan.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
        throw new DocumentError(`${target} is not a plan as \`lockstep plan parse\` prints it – ${problems.join('; ')}`)
      }
      process.stdout.write(formatPlanDocument(plan.data))
      return 0
    }
    case 'import': {
      const plan = await readPlanDocument(target)
      printWarnings(target, plan.warnings)
      const { id } = await withDatabase(as, async (actor) =>
        (await import('@/lib/server/plans/documents')).importPlanDocument(actor, plan),
      )
      console.log(id)
      return 0
    }
    case 'export': {
      if (!target) throw new UsageError('Name the plan: lockstep plan export PLAN_ID')
      const plan = await withDatabase(
        as,
        async (actor) => (await import('@/lib/server/plans/documents')).exportPlanDocument(actor, target),
        { readOnly: true },
      )
      process.stdout.write(formatPlanDocument(plan))
      return 0
    }
    default:
      throw new UsageError(`Unknown command: plan ${command}`)
  }
}

let code: number
try {
  code = await main(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`Error: ${error.message}\n\n${USAGE}`)
    code = 2
  } else {
    console.error(formatCliError(error))
    code = 1
  }
}
// Exit explicitly (tsx's runner does not keep process.exitCode), once stdout has been written out.
await new Promise<void>((done) => process.stdout.write('', () => done()))
process.exit(code)
