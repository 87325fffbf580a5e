// `lockstep copy`: the copy engine from the command line, with the same resume and summary as a copy step.
import { createWriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { csvRow } from '@/lib/domain/csv'
import type { FilledTable } from '@/lib/domain/step-details'
import type { CopyOptions } from '@/lib/engine/copy/engine'
import type { CopySource, CopySummary, RejectedRow } from '@/lib/engine/copy/model'
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

export const COPY_USAGE =
  'Usage: lockstep copy --from SQLITE_FILE|postgresql://… --to postgresql://… [--tables a,b] [--jobs N] [--into-existing [--existing-rows empty|merge] [--yes]] [--schema a,b] [--chunk-rows N] [--max-rejects N (default 0)] [--reload] [--mapping FILE.json] [--rejects FILE.csv] [--json]'

type Opened =
  | { engine: 'sqlite'; source: CopySource; identity: string }
  | { engine: 'postgres'; from: PostgresTarget; identity: string; close(): Promise<void> }

async function openSource(
  from: string,
  schemas: string[] | undefined,
  mapping: TCopyMapping | undefined,
): Promise<Opened> {
  if (isPostgresUrl(from)) {
    const target = await targetOption(from, '--from')
    return {
      engine: 'postgres',
      from: target,
      identity: `${target.host}:${target.port}/${target.database}`,
      close: async () => undefined,
    }
  }
  if (schemas) throw new UsageError('--schema names schemas of a PostgreSQL source.')
  const { opened, path } = await openSqliteFile(
    from,
    async (path) => (await import('@/lib/engine/copy/sqlite-source')).sqliteSource(path, from, { mapping }),
    (source) => source.tables([]),
  )
  return { engine: 'sqlite', source: opened, identity: path }
}

/** Emptying tables is confirmed by --yes, or by typing the database's name at the terminal. */
async function confirmEmptying(filled: readonly FilledTable[], database: string, yes: boolean): Promise<boolean> {
  if (yes) return true
  const { describeFilled } = await import('@/lib/engine/copy/existing-rows')
  if (!process.stdin.isTTY) {
    console.error(`Emptying ${describeFilled(filled)} needs a confirmation: add --yes.`)
    return false
  }
  const { createInterface } = await import('node:readline/promises')
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await prompt.question(
      `The copy will first delete every row of ${describeFilled(filled)} in “${database}”. Type the database name to go on: `,
    )
    return answer.trim() === database
  } finally {
    prompt.close()
  }
}

export function printSummary(summary: CopySummary) {
  const rows = summary.tables.map((t) => [t.table, t.written + t.rejected, t.written, t.rejected, t.seconds] as const)
  const total = rows.reduce((sum, r) => [sum[0] + r[1], sum[1] + r[2], sum[2] + r[3]] as [number, number, number], [
    0, 0, 0,
  ] as [number, number, number])
  const width = Math.max(10, ...rows.map((r) => r[0].length))
  const n = (v: number) => v.toLocaleString('en').padStart(12)
  console.log(
    `${'table'.padEnd(width)} ${'read'.padStart(12)} ${'written'.padStart(12)} ${'rejected'.padStart(12)} ${'time'.padStart(9)}`,
  )
  for (const [table, read, written, rejected, seconds] of rows)
    console.log(
      `${table.padEnd(width)} ${n(read)} ${n(written)} ${n(rejected)} ${`${seconds.toFixed(1)} s`.padStart(9)}`,
    )
  console.log(
    `${'total'.padEnd(width)} ${n(total[0])} ${n(total[1])} ${n(total[2])} ${`${summary.seconds.toFixed(1)} s`.padStart(9)}`,
  )
  if (summary.indexSeconds)
    console.log(`(keys, indexes and foreign keys after the load: ${summary.indexSeconds.toFixed(1)} s of it)`)
}

export async function copyCommand(args: string[]): Promise<number> {
  const json = flag(args, '--json')
  const from = option(args, '--from')
  const to = option(args, '--to')
  const tables = names(option(args, '--tables'))
  const jobs = count(option(args, '--jobs'), '--jobs', 1, 16)
  const chunkRows = count(option(args, '--chunk-rows'), '--chunk-rows', 100, 1_000_000)
  // Like a plan step's copy: a rejected row fails the copy unless --max-rejects allows it.
  const maxRejectedRows = count(option(args, '--max-rejects'), '--max-rejects', 0, Number.MAX_SAFE_INTEGER) ?? 0
  const rejectsFile = option(args, '--rejects')
  const mode = flag(args, '--into-existing') ? 'existing' : 'create'
  const reload = flag(args, '--reload')
  const schemas = names(option(args, '--schema'))
  const existingRows = option(args, '--existing-rows')
  const yes = flag(args, '--yes')
  const mapping = await mappingOption(args)
  if (existingRows !== undefined && existingRows !== 'empty' && existingRows !== 'merge')
    throw new UsageError('--existing-rows takes empty or merge.')
  if (existingRows && mode !== 'existing') throw new UsageError('--existing-rows goes with --into-existing.')
  if (!from || !to || args.length)
    throw new UsageError(
      args.length ? `Unexpected: ${args.join(' ')}` : 'Name the source (--from) and the target (--to).',
    )
  const target = await targetOption(to, '--to')
  const opened = await openSource(from, schemas, mapping)
  const closeSource = () => (opened.engine === 'sqlite' ? opened.source.close() : opened.close())
  const { runCopy, copyIdOf, CopyRefused } = await import('@/lib/engine/copy/engine')
  const { copySchemas } = await import('@/lib/engine/copy/schemas')
  // One copy per schema of a PostgreSQL source; public keeps the id a copy of one schema always had.
  const copyIdFor = (schema: string | null, only: readonly string[] | null) =>
    copyIdOf('cli', {
      from: schema && schema !== 'public' ? `${opened.identity}/${schema}` : opened.identity,
      tables: only,
      mode,
      ...(existingRows ? { existingRows } : {}),
      // Another mapping makes other rows: a copy of its own, never a resume of one made without it.
      ...(mapping?.tables.length ? { mapping } : {}),
    })
  const { withTargetSession, ApplyRefused, Cancelled } = await import('@/lib/targets/sql/session')

  const controller = new AbortController()
  process.once('SIGINT', () => {
    console.error('Stopping after the chunks in flight (run the same command again to resume)…')
    controller.abort()
  })
  const sample: RejectedRow[] = []
  const reasons = new Map<string, Map<string, { values: number; example: string }>>()
  let rejected = 0
  const out = rejectsFile ? createWriteStream(resolve(rejectsFile), { flags: 'a' }) : null
  let lastLine = 0
  try {
    const summary = await withTargetSession(
      target,
      { applicationName: 'lockstep copy', lockWaitMs: 60_000, signal: controller.signal },
      (session) => {
        const common = {
          session: session.client,
          target,
          mode,
          jobs,
          chunkRows,
          maxRejectedRows,
          reload,
          existingRows: existingRows ?? 'refuse',
          confirmEmpty: (filled: readonly FilledTable[]) => confirmEmptying(filled, target.database, yes),
          signal: controller.signal,
          log: json
            ? undefined
            : (level: 'info' | 'warn' | 'error', message: string) =>
                console.error(`${level === 'info' ? '' : `${level}: `}${message}`),
          onRejects: async (rows) => {
            rejected += rows.length
            for (const r of rows) if (sample.length < 100) sample.push(r)
            for (const r of rows) {
              const columns = reasons.get(r.table) ?? new Map<string, { values: number; example: string }>()
              const seen = columns.get(r.column) ?? { values: 0, example: r.reason }
              seen.values++
              columns.set(r.column, seen)
              reasons.set(r.table, columns)
            }
            for (const r of rows) out?.write(csvRow([r.table, r.key, r.column, r.reason, r.value]))
          },
          onProgress: (progress) => {
            if (json || Date.now() - lastLine < 2000) return
            lastLine = Date.now()
            const active = progress.filter((p) => p.state === 'copying' || p.state === 'indexing')
            if (active.length)
              console.error(
                active
                  .map(
                    (p) =>
                      `${p.table}: ${p.state === 'indexing' ? 'keys and indexes' : `${(p.written + p.rejected).toLocaleString('en')}/${p.total.toLocaleString('en')} rows, ${p.rowsPerSecond.toLocaleString('en')} rows/s${p.etaSeconds !== null ? `, ${p.etaSeconds} s left` : ''}`}`,
                  )
                  .join('; '),
              )
          },
        } satisfies Partial<CopyOptions>
        return opened.engine === 'sqlite'
          ? runCopy({ ...common, copyId: copyIdFor(null, tables ?? null), source: opened.source, tables })
          : copySchemas({
              ...common,
              from: opened.from,
              label: `${opened.from.host}:${opened.from.port}/${opened.from.database}`,
              schemas,
              tables,
              copyIdFor,
              mapping,
            })
      },
    )
    await closeSource()
    out?.end()
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    const leftBehind = summary.tables
      .filter((t) => t.rejected > 0)
      .map((t) => ({
        table: t.table,
        rows: t.rejected,
        reasons: [...(reasons.get(t.table) ?? new Map<string, { values: number; example: string }>()).entries()].map(
          ([column, r]) => ({ column, values: r.values, example: r.example }),
        ),
      }))
    if (json) console.log(JSON.stringify({ ...summary, leftBehind, rejectedSample: sample, peakRssMb }, null, 2))
    else {
      printSummary(summary)
      for (const w of summary.warnings) console.error(`warning: ${w}`)
      for (const n of summary.notes ?? []) console.error(`note: ${n}`)
      for (const n of summary.notCopied ?? [])
        console.error(`not copied: ${n.table ? `${n.table}: ` : ''}${n.object} – ${n.reason}`)
      for (const t of leftBehind)
        console.error(
          `left behind: ${t.rows.toLocaleString('en')} row${t.rows === 1 ? '' : 's'} of ${t.table}${t.reasons.length ? ` – ${t.reasons.map((r) => `${r.column}: ${r.example}${r.values > 1 ? ` (${r.values.toLocaleString('en')} values)` : ''}`).join('; ')}` : ''}`,
        )
      if (rejected)
        console.error(
          `${rejected} values rejected${
            rejectsFile
              ? ` (written to ${rejectsFile})`
              : `; the first: ${sample
                  .slice(0, 5)
                  .map((r) => `${r.table} ${r.key} ${r.column}: ${r.reason}`)
                  .join('; ')}`
          }`,
        )
      if (summary.status === 'ALREADY_COPIED') console.log('Already copied: nothing to do (--reload copies again).')
      if (summary.status === 'CANCELLED') console.log('Stopped; run the same command again to resume.')
      if (summary.error) console.error(`Copy failed: ${summary.error}`)
    }
    // 4: every row is there, but schema objects (views, triggers, CHECK constraints, a foreign key between schemas,
    // a schema the source's role may not read…) were not copied – listed above. Schemas left out because --schema
    // or --tables did not choose them are named, and leave the exit status 0: that was asked for – as are the
    // objects that need a column the --mapping leaves out.
    const missed = summary.notCopied?.filter((n) => !n.asked).length
    return summary.status === 'FAILED' ? 1 : summary.status === 'CANCELLED' ? 130 : missed ? 4 : 0
  } catch (error) {
    await closeSource()
    if (error instanceof CopyRefused || error instanceof ApplyRefused) {
      if (json) console.log(JSON.stringify({ refused: error.message }, null, 2))
      console.error(`Refused: ${error.message}`)
      return 3
    }
    if (error instanceof Cancelled) return 130
    throw error
  }
}
