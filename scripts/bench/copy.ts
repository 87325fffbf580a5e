// Benchmark: copying a 1,000,000-row SQLite table of six mixed columns into PostgreSQL, in one run, four
// ways side by side on the same embedded PostgreSQL – end to end, keys and indexes included:
//   - Lockstep's copy (`lockstep copy`, a process of its own: its peak RSS is measured), plain and with a
//     mapping that transforms and renames 3 of the 6 columns (copy-mapping.ts; target: ≤ 25 % slower);
//   - the naive path of the plans we see: one INSERT … ON CONFLICT DO NOTHING per row (on 50,000 rows);
//   - psql's \copy of the same rows from CSV, then the same primary key and index (PostgreSQL's ingest limit);
//   - pgloader, when installed (apt-get install pgloader).
//   npm run bench:copy [-- --rows 1000000 --naive-rows 50000 --jobs 2 --repeat 3 --json]
// The copies run REPEAT times each, interleaved, into fresh databases; the median time is reported (this
// machine's timings vary by ±15 % from one run to the next).
import { spawnSync } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import { startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres'
import { arg } from './args'
import { checkMappedCopy, MAPPED_LABEL, mappingOverhead, writeMapping } from './copy-mapping'
import { query, run, time, type Missing, type Result } from './copy-support'

const ROWS = arg('rows', 1_000_000)
const NAIVE_ROWS = arg('naive-rows', 50_000)
const JOBS = arg('jobs', 2)
const REPEAT = arg('repeat', 3)
const JSON_OUTPUT = process.argv.includes('--json')
const DIR = join(tmpdir(), 'lockstep-bench-copy')
const say = (message: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${message}\n`)

// ISO text, as SQLite's CURRENT_TIMESTAMP writes it. (pgloader 3.6 cannot load Prisma's epoch-millisecond
// datetimes at all – "date/time field value out of range" – so the comparison uses text it can read.)
const isoText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/** The benchmark's SQLite table `items` (also used by validate.ts): `rows` rows of six mixed columns, and an index. */
export function makeSqlite(path: string, rows = ROWS) {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.exec(
    `CREATE TABLE items (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, score REAL, active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, note TEXT)`,
  )
  const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 1; i <= rows; i++)
      insert.run(
        i,
        `user${i}@example.com`,
        ((i * 7919) % 100000) / 100,
        i % 2,
        isoText(1_700_000_000_000 + i * 1000),
        i % 3 ? `note ${i}\twith a tab` : null,
      )
  })()
  db.exec('CREATE INDEX items_created_at ON items (created_at)')
  db.close()
}

const TABLE = `CREATE TABLE items (id bigint NOT NULL, email varchar(120) NOT NULL, score double precision, active boolean NOT NULL, created_at timestamptz NOT NULL, note text)`
const KEYS = [`ALTER TABLE items ADD PRIMARY KEY (id)`, `CREATE INDEX items_created_at ON items (created_at)`]

/** `mappingPath`: the copy follows that mapping (copy-mapping.ts), and its transformed values are checked. */
async function ours(sqlitePath: string, url: string, mappingPath?: string): Promise<Result> {
  const { value, seconds } = await time(() =>
    run(process.execPath, [
      'bin/lockstep.mjs',
      'copy',
      '--from',
      sqlitePath,
      '--to',
      url,
      '--jobs',
      String(JOBS),
      ...(mappingPath ? ['--mapping', mappingPath] : []),
      '--json',
    ]),
  )
  if (value.code !== 0) throw new Error(`lockstep copy failed: ${value.stderr || value.stdout}`)
  const summary = JSON.parse(value.stdout) as {
    status: string
    seconds: number
    indexSeconds: number
    peakRssMb: number
    tables: { written: number }[]
  }
  const rows = summary.tables.reduce((n, t) => n + t.written, 0)
  const count = Number((await query(url, 'SELECT count(*) AS n FROM items')).rows[0].n)
  if (count !== ROWS || rows !== ROWS) throw new Error(`lockstep copy wrote ${count} rows, not ${ROWS}.`)
  if (mappingPath) await checkMappedCopy(url, ROWS)
  return {
    method: `${mappingPath ? MAPPED_LABEL : 'Lockstep copy'} (${JOBS} jobs)`,
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: summary.peakRssMb,
    note: `process start to exit; engine ${summary.seconds.toFixed(1)} s of which keys/indexes ${summary.indexSeconds.toFixed(1)} s`,
  }
}

async function naive(sqlitePath: string, url: string): Promise<Result> {
  await query(url, TABLE)
  for (const sql of KEYS) await query(url, sql)
  const db = new Database(sqlitePath, { readonly: true })
  const rows = db
    .prepare('SELECT id, email, score, active, created_at, note FROM items ORDER BY id LIMIT ?')
    .raw(true)
    .all(NAIVE_ROWS) as [number, string, number, number, string, string | null][]
  db.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const { seconds } = await time(async () => {
    for (const [id, email, score, active, createdAt, note] of rows) {
      await client.query(
        'INSERT INTO items (id, email, score, active, created_at, note) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
        [id, email, score, active === 1, `${createdAt}+00`, note],
      )
    }
  })
  await client.end()
  return {
    method: 'naive INSERT … ON CONFLICT per row',
    rows: rows.length,
    seconds,
    rowsPerSecond: rows.length / seconds,
    note: `measured on ${rows.length.toLocaleString('en')} rows`,
  }
}

async function psqlCopy(sqlitePath: string, url: string): Promise<Result | Missing> {
  if (spawnSync('psql', ['--version']).status !== 0)
    return { method: 'psql \\copy', missing: 'psql is not installed (apt-get install postgresql-client)' }
  const csvPath = join(DIR, 'items.csv')
  if (!existsSync(csvPath)) {
    const out = createWriteStream(csvPath)
    const db = new Database(sqlitePath, { readonly: true })
    for (const [id, email, score, active, createdAt, note] of db
      .prepare('SELECT id, email, score, active, created_at, note FROM items ORDER BY id')
      .raw(true)
      .iterate() as Iterable<[number, string, number, number, string, string | null]>) {
      const line = `${id},${email},${score},${active ? 't' : 'f'},${createdAt}+00,${note === null ? '' : `"${note}"`}\n`
      if (!out.write(line)) await once(out, 'drain')
    }
    db.close()
    out.end()
    await once(out, 'finish')
  }
  await query(url, TABLE)
  const { value, seconds } = await time(() =>
    run('psql', [
      url,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy items FROM '${csvPath}' CSV`,
      ...KEYS.flatMap((sql) => ['-c', sql]),
    ]),
  )
  if (value.code !== 0) throw new Error(`psql failed: ${value.stderr}`)
  return {
    method: 'psql \\copy from CSV, then keys',
    rows: ROWS,
    seconds,
    rowsPerSecond: ROWS / seconds,
    note: `CSV of ${((await stat(csvPath)).size / 1e6).toFixed(0)} MB written beforehand, not timed`,
  }
}

async function pgloader(sqlitePath: string, url: string): Promise<Result | Missing> {
  const version = spawnSync('pgloader', ['--version'], { encoding: 'utf8' })
  if (version.status !== 0)
    return {
      method: 'pgloader',
      missing: 'pgloader is not installed: apt-get install pgloader (Debian/Ubuntu), then run this again',
    }
  const { value, seconds } = await time(() => run('pgloader', ['--quiet', `sqlite://${sqlitePath}`, url]))
  const count = Number(
    (await query(url, 'SELECT count(*) AS n FROM items').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n,
  )
  // pgloader exits 0 even when a table failed: the rows on the target decide.
  if (value.code !== 0 || count !== ROWS)
    throw new Error(
      `pgloader wrote ${count} rows, not ${ROWS}: ${(value.stderr || value.stdout)
        .split('\n')
        .filter((l) => /ERROR/.test(l))
        .slice(0, 3)
        .join(' ')}`,
    )
  return {
    method: `pgloader ${/\d+\.\d+\.\d+/.exec(version.stdout)?.[0] ?? ''}`.trim(),
    rows: ROWS,
    seconds,
    rowsPerSecond: ROWS / seconds,
    note: 'process start to exit',
  }
}

async function main() {
  await rm(DIR, { recursive: true, force: true })
  await mkdir(DIR, { recursive: true })
  say(`Generating ${ROWS.toLocaleString('en')} rows in SQLite…`)
  const sqlitePath = join(DIR, 'items.db')
  makeSqlite(sqlitePath)
  const mappingPath = await writeMapping(DIR)
  const server = await startEmbeddedPostgres({ dataDir: join(DIR, 'pg'), password: 'bench' })
  try {
    const url = async (name: string) => {
      await server.createDatabase(name)
      return `${server.url(name)}?sslmode=disable`
    }
    const results: (Result | Missing)[] = []
    const median = (runs: Result[]): Result => {
      const sorted = [...runs].sort((a, b) => a.seconds - b.seconds)
      const middle = sorted[Math.floor(sorted.length / 2)] as Result
      const rss = Math.max(...runs.map((r) => r.peakRssMb ?? 0))
      return {
        ...middle,
        ...(rss ? { peakRssMb: rss } : {}),
        note: `median of ${runs.length} (${sorted.map((r) => r.seconds.toFixed(2)).join(', ')} s)${middle.note ? `; ${middle.note}` : ''}`,
      }
    }
    const runs: Record<'psql' | 'pgloader', (Result | Missing)[]> = { psql: [], pgloader: [] }
    const pairs: { plain: Result; mapped: Result }[] = []
    for (let i = 0; i < REPEAT; i++) {
      say(`Round ${i + 1} of ${REPEAT}: Lockstep copy plain and mapped, psql \\copy, pgloader…`)
      // Plain and mapped take turns going first, so that neither always runs on a warmer cache.
      const copyPlain = async () => ours(sqlitePath, await url(`ours_${i}`))
      const copyMapped = async () => ours(sqlitePath, await url(`mapped_${i}`), mappingPath)
      if (i % 2 === 0) pairs.push({ plain: await copyPlain(), mapped: await copyMapped() })
      else {
        const mapped = await copyMapped()
        pairs.push({ plain: await copyPlain(), mapped })
      }
      runs.psql.push(await psqlCopy(sqlitePath, await url(`psql_${i}`)))
      runs.pgloader.push(await pgloader(sqlitePath, await url(`pgloader_${i}`)))
    }
    const summarize = (list: (Result | Missing)[]) => {
      const measured = list.filter((r): r is Result => 'rowsPerSecond' in r)
      return measured.length ? median(measured) : (list[0] as Missing)
    }
    const plain = median(pairs.map((p) => p.plain))
    const mapped = median(pairs.map((p) => p.mapped))
    const overhead = mappingOverhead(plain, mapped, pairs)
    results.push(plain, { ...mapped, note: `${overhead.ratio.toFixed(2)}× the plain copy's time; ${mapped.note}` })
    say(`Naive per-row inserts (${NAIVE_ROWS.toLocaleString('en')} rows)…`)
    results.push(await naive(sqlitePath, await url('naive')))
    results.push(summarize(runs.psql), summarize(runs.pgloader))

    const measured = results.filter((r): r is Result => 'rowsPerSecond' in r)
    const mine = measured[0] as Result
    const ratio = (method: string) => {
      const other = measured.find((r) => r.method.startsWith(method))
      return other ? mine.rowsPerSecond / other.rowsPerSecond : null
    }
    const targets = [
      { target: '≥ 1.5× pgloader', ratio: ratio('pgloader'), need: 1.5 },
      { target: '≥ 25× the naive path', ratio: ratio('naive'), need: 25 },
      { target: '≥ 0.65× psql \\copy', ratio: ratio('psql'), need: 0.65 },
    ].map((t) => ({ ...t, met: t.ratio === null ? null : t.ratio >= t.need }))
    const rss = {
      target: 'peak RSS < 300 MB',
      peakRssMb: mine.peakRssMb ?? null,
      met: mine.peakRssMb !== undefined ? mine.peakRssMb < 300 : null,
    }
    if (JSON_OUTPUT) {
      console.log(JSON.stringify({ rows: ROWS, jobs: JOBS, results, targets, rss, mappingOverhead: overhead }, null, 2))
      return
    }
    console.log(
      `\n${ROWS.toLocaleString('en')} rows × 6 columns (id, varchar, real, boolean, datetime as ISO text, text), primary key + 1 index`,
    )
    console.table(
      results.map((r) =>
        'missing' in r
          ? { method: r.method, rows: '', seconds: '', 'rows/s': '', 'peak RSS MB': '', note: r.missing }
          : {
              method: r.method,
              rows: r.rows,
              seconds: r.seconds.toFixed(2),
              'rows/s': Math.round(r.rowsPerSecond).toLocaleString('en'),
              'peak RSS MB': r.peakRssMb ?? '',
              note: r.note ?? '',
            },
      ),
    )
    console.table([
      ...targets.map((t) => ({
        target: t.target,
        measured: t.ratio === null ? 'not measured' : `${t.ratio.toFixed(2)}×`,
        met: t.met === null ? '–' : t.met ? 'yes' : 'NO',
      })),
      { target: rss.target, measured: `${rss.peakRssMb} MB`, met: rss.met ? 'yes' : 'NO' },
      {
        target: overhead.target,
        measured: `${overhead.overheadPercent >= 0 ? '+' : ''}${overhead.overheadPercent.toFixed(0)} % (${overhead.ratio.toFixed(2)}× the plain copy's time; per round ${overhead.perRound.map((r) => `${r.toFixed(2)}×`).join(', ')})`,
        met: overhead.met ? 'yes' : 'NO',
      },
    ])
    say(`mapping overhead ≤ 25 %: ${overhead.met ? 'met' : 'not met'} (${overhead.overheadPercent.toFixed(1)} %)`)
  } finally {
    await server.stop()
  }
}

// Run only when started as a script, not when another benchmark imports makeSqlite.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`Benchmark failed: ${error.message}`)
      process.exit(1)
    },
  )
}
