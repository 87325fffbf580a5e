// `lockstep validate`: the validation engine from the command line – a target's rows compared with its source's,
// then the target's integrity, with the same report as a validation step.
import type { PostgresTargetSide } from '@/lib/engine/validate/engine'
import { VALIDATION_DEFAULTS, type ValidationSide } from '@/lib/engine/validate/model'
import type {
  Difference,
  IntegrityFinding,
  RuleResult,
  TableResult,
  ValidationReport,
} from '@/lib/domain/validation-report'
import type { PostgresTarget } from '@/lib/targets/postgres'
import type { TCopyMapping } from '@/lib/domain/mapping'
import {
  count,
  flag,
  isPostgresUrl,
  mappingOption,
  names,
  openSqliteFile,
  option,
  targetOption,
  UsageError,
} from './cli-args'
import { plural } from '@/lib/domain/words'

export const VALIDATE_USAGE = `Usage: lockstep validate --source SQLITE_FILE|postgresql://… --target postgresql://… [--tables a,b]
                         [--schema a,b] [--mapping FILE.json] [--max-samples N] [--max-differences N]
                         [--no-integrity] [--json]

  Compares the target's rows with the source's, table by table (tables without a primary key by row count
  and checksum), then checks the target for orphans, NULLs and duplicates the source's constraints forbid.
  --tables a,b          only these tables (default: all of the source's; schema.table outside public)
  --schema a,b          a PostgreSQL source: only these schemas, each against the same-named schema of the
                        target (default: every schema that holds tables, as \`lockstep copy\` copies them);
                        a SQLite source: the one target schema its tables were copied into (default public)
  --mapping FILE.json   the mapping the copy was made with (docs/mapping.md): the source is read through it
  --max-samples N       differing rows shown per table (default ${VALIDATION_DEFAULTS.maxSamples})
  --max-differences N   a table is compared until N differences are found (default ${VALIDATION_DEFAULTS.maxDifferences})
  --no-integrity        rows only, no integrity checks
  --json                the report as JSON on standard output, nothing else

  Exit status: 0 everything matches; 1 rows differ or integrity findings; 2 a mistake in the command line;
  3 could not validate (a database cannot be reached or is not a database, a query failed); 130 interrupted.`

const EXIT = { passed: 0, failed: 1, unavailable: 3, cancelled: 130 } as const

/** A PostgreSQL side, connected now: a server that cannot be reached fails here, saying which side it is. */
async function openPostgres(
  target: PostgresTarget,
  role: 'source' | 'target',
  schema: string | undefined,
  mapping?: TCopyMapping,
): Promise<{ side: PostgresTargetSide; tables: string[] }> {
  const { postgresSide } = await import('@/lib/engine/validate/postgres-side')
  const side = postgresSide(target, { schema, mapping })
  try {
    return { side, tables: (await side.tables()).map((t) => t.name) }
  } catch (error) {
    await side.close()
    throw new Error(`The ${role} (${side.label}): ${(error as Error).message}`)
  }
}

async function openSource(
  from: string,
  target: PostgresTarget | null,
  schema: string | undefined,
  mapping: TCopyMapping | undefined,
): Promise<{ side: ValidationSide; tables: string[] }> {
  if (target) return openPostgres(target, 'source', schema, mapping)
  let tables: string[] = []
  const { opened } = await openSqliteFile(
    from,
    async (path) => (await import('@/lib/engine/validate/sqlite-side')).sqliteSide(path, from, { mapping }),
    async (side) => (tables = (await side.tables()).map((t) => t.name)),
  )
  return { side: opened, tables }
}

const number = (v: number | null) => (v === null ? '–' : v.toLocaleString('en'))

/** A value as read in a terminal: NULL, or the text – quoted when blanks or separators would make it ambiguous. */
function shownValue(value: string | null): string {
  if (value === null) return 'NULL'
  const text = value.length > 60 ? `${value.slice(0, 59)}…` : value
  return text === '' || text === 'NULL' || /^\s|\s$|[\p{Cc}→;]/u.test(text) ? JSON.stringify(text) : text
}

function printTables(tables: TableResult[]) {
  const head = ['table', 'source rows', 'target rows', 'state', 'missing', 'extra', 'changed']
  const atLeast = (t: TableResult, v: number) => `${number(v)}${t.suspended ? '+' : ''}`
  const rows = tables.map((t) => [
    t.table,
    number(t.sourceRows),
    number(t.targetRows),
    t.state,
    atLeast(t, t.missing),
    atLeast(t, t.extra),
    atLeast(t, t.changed),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const left = new Set([0, 3])
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd()
  console.log(line(head))
  for (const r of rows) console.log(line(r))
}

function printDetails(t: TableResult) {
  const total = t.missing + t.extra + t.changed
  if (!t.samples.length && !t.notes.length && !t.error) return
  console.log(
    `\n${t.table}${total ? ` – ${plural(total, 'difference')}${t.suspended ? ' at least' : ''}${t.samples.length < total ? `, ${t.samples.length} shown` : ''}` : ''}:`,
  )
  const keyWidth = Math.max(0, ...t.samples.map((s) => s.key.length))
  const changes = (s: Difference) =>
    s.kind === 'changed'
      ? s.columns.map((c) => `${c.column}: ${shownValue(c.source)} → ${shownValue(c.target)}`).join('; ')
      : ''
  for (const s of t.samples) console.log(`  ${s.kind.padEnd(7)}  ${s.key.padEnd(keyWidth)}  ${changes(s)}`.trimEnd())
  for (const note of t.notes) console.log(`  note: ${note}`)
  if (t.error) console.log(`  error: ${t.error}`)
}

function findingLine(f: IntegrityFinding): string {
  const columns = `${f.table}(${f.columns.join(', ')})`
  const examples = f.samples.length ? `; e.g. ${f.samples.join(', ')}` : ''
  if (f.kind === 'orphan') {
    const parent = f.references ? `${f.references.table}(${f.references.columns.join(', ')})` : 'parent'
    const why =
      f.origin === 'target' ? 'foreign key declared on the target, not validated' : 'foreign key only in the source'
    return `orphans:  ${plural(f.count, 'row')} of ${columns} without a ${parent} (${why})${examples}`
  }
  if (f.kind === 'not-null')
    return `NOT NULL: ${plural(f.count, 'row')} of ${f.table} with ${f.columns.join(', ')} NULL (NOT NULL in the source, not on the target)${examples}`
  return `unique:   ${plural(f.count, 'duplicated value')} of ${columns} (unique in the source, not on the target)${examples}`
}

function ruleLine(r: RuleResult): string {
  const effect = r.action === 'fail' ? 'fails the validation' : 'a warning'
  if (r.error) return `rule “${r.name}”: ${r.error} (${r.severity}; ${effect})`
  return `rule “${r.name}”: ${r.passed ? 'passed' : `${plural(r.violations, 'violating row')} (${r.severity}; ${effect})`}`
}

/** Whether the integrity checks ran: asked for, and not cancelled before them (they follow the tables). */
const integrityDone = (report: ValidationReport, asked: boolean) =>
  asked && (report.status !== 'CANCELLED' || report.integrityChecked > 0 || report.integrity.length > 0)

function finalLine(report: ValidationReport, integrityAsked: boolean): string {
  const states = (state: TableResult['state']) => report.tables.filter((t) => t.state === state).length
  const parts: string[] = []
  const matched = states('VALIDATED')
  const noKey = states('NO_PRIMARY_KEY')
  const differ = states('MISMATCHED')
  const errors = states('ERROR')
  const unfinished = report.tables.length - matched - noKey - differ - errors
  if (matched) parts.push(`${plural(matched, 'table')} validated`)
  if (noKey) parts.push(`${plural(noKey, 'table')} without a primary key equal by checksum`)
  if (differ) parts.push(`${plural(differ, 'table')} ${differ === 1 ? 'differs' : 'differ'}`)
  if (errors) parts.push(`${plural(errors, 'table')} could not be compared`)
  if (unfinished) parts.push(`${plural(unfinished, 'table')} not finished`)
  if (!report.tables.length) parts.push('no tables')
  const findings = report.integrity.length
  parts.push(
    !integrityDone(report, integrityAsked)
      ? 'integrity not checked'
      : findings
        ? plural(findings, 'integrity finding')
        : 'no integrity findings',
  )
  const failedRules = report.rules.filter((r) => !r.passed && r.action === 'fail').length
  if (failedRules) parts.push(`${plural(failedRules, 'rule')} failed`)
  return `${report.status}: ${parts.join(', ')} (${report.seconds.toFixed(1)} s)`
}

export function printReport(report: ValidationReport, integrityAsked: boolean) {
  console.log(`${report.source} → ${report.target}\n`)
  printTables(report.tables)
  for (const t of report.tables) printDetails(t)
  if (integrityDone(report, integrityAsked)) {
    const found = report.integrity.length ? plural(report.integrity.length, 'finding') : 'no findings'
    console.log(
      `\nintegrity: ${report.integrityChecked ? `${found} (${plural(report.integrityChecked, 'check')})` : 'nothing to check – the target enforces the keys, NOT NULL and unique constraints of the source'}`,
    )
    for (const f of report.integrity) console.log(`  ${findingLine(f)}`)
  }
  if (report.rules.length) {
    console.log('')
    for (const r of report.rules) {
      console.log(ruleLine(r))
      for (const sample of r.samples.slice(0, 3)) console.log(`  ${JSON.stringify(sample)}`)
    }
  }
  if (report.warnings.length) console.log('')
  for (const w of report.warnings) console.log(`warning: ${w}`)
  console.log(`\n${finalLine(report, integrityAsked)}`)
}

export async function validateCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(VALIDATE_USAGE)
    return 0
  }
  const json = flag(args, '--json')
  const integrity = !flag(args, '--no-integrity')
  const from = option(args, '--source')
  const to = option(args, '--target')
  const tables = names(option(args, '--tables'))
  const schemas = names(option(args, '--schema'))
  const mapping = await mappingOption(args)
  const maxSamples = count(option(args, '--max-samples'), '--max-samples', 0, 10_000)
  const maxDifferences = count(option(args, '--max-differences'), '--max-differences', 1, Number.MAX_SAFE_INTEGER)
  if (!from || !to || args.length)
    throw new UsageError(
      args.length ? `Unexpected: ${args.join(' ')}` : 'Name the source (--source) and the target (--target).',
    )
  const target = await targetOption(to, '--target')
  const sourceUrl = isPostgresUrl(from) ? await targetOption(from, '--source') : null

  if (!sourceUrl && (schemas?.length ?? 0) > 1)
    throw new UsageError('A SQLite source was copied into one schema: --schema takes one name with it.')
  const schema = sourceUrl ? undefined : schemas?.[0]

  try {
    const source = await openSource(from, sourceUrl, schema, mapping)
    let targetSide: PostgresTargetSide | null = null
    const controller = new AbortController()
    const stop = () => {
      console.error('Stopping: the tables compared so far are reported…')
      controller.abort()
    }
    try {
      targetSide = (await openPostgres(target, 'target', schema)).side
      // A PostgreSQL source's tables are checked schema by schema (a table may be named schema.table).
      // Tables may be named as the source has them or as the mapping renames them.
      const renamed = (name: string) => mapping?.tables.find((t) => t.table === name)?.rename ?? name
      const unknown = sourceUrl ? [] : (tables ?? []).filter((name) => !source.tables.includes(renamed(name)))
      if (unknown.length)
        throw new UsageError(`The source has no table ${unknown.map((name) => `“${name}”`).join(', ')}.`)
      const { runValidation } = await import('@/lib/engine/validate/engine')
      const { validateSchemas } = await import('@/lib/engine/validate/schemas')
      process.once('SIGINT', stop)
      let lastLine = Date.now()
      const options = {
        tables: sourceUrl ? tables : tables?.map(renamed),
        maxSamples,
        maxDifferences,
        integrity,
        signal: controller.signal,
        onProgress: json
          ? undefined
          : (progress: ValidationReport) => {
              const active = progress.tables.find((t) => t.state === 'VALIDATING')
              if (!active || Date.now() - lastLine < 2000) return
              lastLine = Date.now()
              const done = progress.tables.filter((t) => t.state !== 'PENDING' && t.state !== 'VALIDATING').length
              const rows =
                active.sourceRows === null || active.targetRows === null
                  ? null
                  : Math.max(active.sourceRows, active.targetRows)
              console.error(
                `${active.table}: ${rows === null ? 'counting rows' : `comparing ${plural(rows, 'row')}`}; ${done} of ${plural(progress.tables.length, 'table')} done`,
              )
            },
      }
      const report = sourceUrl
        ? await validateSchemas(sourceUrl, target, {
            ...options,
            schemas,
            mapping,
            sourceLabel: source.side.label,
            targetLabel: targetSide.label,
          })
        : await runValidation(source.side, targetSide, options)
      if (json) console.log(JSON.stringify(report, null, 2))
      else printReport(report, integrity)
      return report.status === 'PASSED'
        ? EXIT.passed
        : report.status === 'FAILED'
          ? EXIT.failed
          : report.status === 'CANCELLED'
            ? EXIT.cancelled
            : EXIT.unavailable
    } finally {
      process.off('SIGINT', stop)
      await Promise.all([source.side.close(), targetSide?.close()])
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    // Could not validate: a database that cannot be read, or a query that failed on the way.
    const { formatCliError } = await import('./cli')
    const message = formatCliError(error)
    if (json) console.log(JSON.stringify({ status: 'ERROR', error: message.replace(/^Error: /, '') }, null, 2))
    console.error(message)
    return EXIT.unavailable
  }
}
