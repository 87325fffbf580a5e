import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { replicationNames } from '@/lib/engine/sync/pg-replication'
import { lockstep, spawnLockstep } from '@/lib/testing/lockstep-cli'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { targetDatabases } from '@/lib/testing/target-databases'

// `lockstep sync` and `lockstep cutover` as a user runs them, while another process keeps writing to the
// source: the sync copies, follows, stops on Ctrl-C and goes on without copying again; the cutover drains,
// validates and removes what the sync made on the source – and refuses what it must.

const { fresh, sqliteFile } = targetDatabases('sync-cli')
const running: ReturnType<typeof spawnLockstep>[] = []
afterAll(() => {
  stopWriters()
  for (const r of running) r.kill()
})

function shop(name: string) {
  return sqliteFile(
    name,
    `CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
     CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author(id), title TEXT, body TEXT);`,
    (db) => {
      db.pragma('journal_mode = WAL')
      db.transaction(() => {
        for (let a = 1; a <= 10; a++) db.prepare('INSERT INTO author VALUES (?, ?)').run(a, `Author ${a}`)
        const post = db.prepare('INSERT INTO post VALUES (?, ?, ?, ?)')
        for (let p = 1; p <= 5_000; p++) post.run(p, (p % 10) + 1, `Post ${p}`, 'x'.repeat(p % 200))
      })()
    },
  )
}

const sqliteObjects = (path: string, where: string) => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare(`SELECT type, name FROM sqlite_master WHERE ${where}`).all()
  } finally {
    db.close()
  }
}

/** `lockstep sync` until it follows and has shown a lag line or two, then Ctrl-C. */
/** `--json` output: one event a line. */
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; status?: string; applied?: number })

async function syncUntilFollowing(args: string[]) {
  const sync = spawnLockstep(['sync', ...args])
  running.push(sync)
  await sync.waitFor(args.includes('--json') ? /"event":"lag"/ : /following: .* changes applied/)
  await new Promise((r) => setTimeout(r, 1_500))
  return sync.interrupt()
}

describe('lockstep sync and cutover', () => {
  it('follows a written SQLite file, resumes without copying again after Ctrl-C, and cuts over to an identical target with the file as it was', async () => {
    const path = shop('shop.db')
    const to = await fresh('sync_cli_sqlite')
    const url = `${to.url}?sslmode=disable`
    const writer = startWriter(['--sqlite', path, '--table', 'post', '--column', 'title', '--rate', '200'])
    await writer.started(() => {
      const db = new Database(path, { readonly: true })
      const n = (db.prepare('SELECT max(id) AS n FROM post').get() as { n: number }).n
      db.close()
      return n > 5_000
    })
    const args = ['--from', path, '--to', url, '--chunk-rows', '1000']

    const first = await syncUntilFollowing([...args, '--confirm-capture'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/^post\s+[\d,]+/m) // the initial copy's summary
    expect(first.stdout).toMatch(/Stopped at \S+: [\d,]+ changes applied/)

    const second = await syncUntilFollowing(args)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toMatch(/Resuming sync cli-[0-9a-f]{16}: the initial copy is done/)
    expect(second.stdout).not.toMatch(/^post\s+[\d,]+/m)

    const written = await writer.stop()
    expect(written.inserts + written.updates + written.deletes).toBeGreaterThan(200)
    const cutover = await lockstep(['cutover', '--from', path, '--to', url])
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0)
    expect(cutover.stdout).toMatch(/PASSED: 2 tables validated/)
    expect(cutover.stdout).toMatch(/Cut over in \d+\.\d s/)

    const validate = await lockstep(['validate', '--source', path, '--target', url])
    expect(validate.code, validate.stdout).toBe(0)
    expect(sqliteObjects(path, `name LIKE '%lockstep%'`)).toEqual([])
    expect((await to.client.query(`SELECT 1 FROM lockstep.sync`)).rows).toEqual([])
  }, 90_000)

  it('refuses to add a capture to a SQLite file without --confirm-capture, leaving the file unchanged, and a cutover of a sync that never started', async () => {
    const path = shop('untouched.db')
    const to = await fresh('sync_cli_refused')
    const url = `${to.url}?sslmode=disable`
    const before = sqliteObjects(path, '1 = 1')

    const refused = await lockstep(['sync', '--from', path, '--to', url])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/Refused: .*_lockstep_sync_.*--confirm-capture/s)
    expect(refused.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(sqliteObjects(path, `type = 'trigger'`)).toEqual([])
    expect(sqliteObjects(path, '1 = 1')).toEqual(before)

    const cutover = await lockstep(['cutover', '--from', path, '--to', url])
    expect(cutover.code).toBe(3)
    expect(cutover.stderr).toMatch(/no record of a sync/)
  }, 30_000)

  it('leaves the sync in place when the cutover finds the target different, and cuts over once a sync has put it right', async () => {
    const path = shop('different.db')
    const to = await fresh('sync_cli_different')
    const url = `${to.url}?sslmode=disable`
    const args = ['--from', path, '--to', url, '--tables', 'author,post']
    const sync = await syncUntilFollowing([...args, '--confirm-capture'])
    expect(sync.code, sync.stderr).toBe(0)
    await to.client.query('DELETE FROM post WHERE id = 42')

    // Prepared while the sync could still follow: every row compared, the one difference named for the cutover.
    const prepared = await lockstep(['cutover', ...args, '--prepare'])
    expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0)
    expect(prepared.stdout).toMatch(/Prepared: every row was compared \(1 differed/)
    expect(sqliteObjects(path, `type = 'trigger' AND name LIKE '_lockstep_sync%'`).length).toBeGreaterThan(0)

    const different = await lockstep(['cutover', ...args])
    expect(different.code, different.stdout + different.stderr).toBe(1)
    expect(different.stdout).toMatch(/Compared the 1 row changed since/)
    expect(different.stdout).toMatch(/missing\s+42/)
    expect(different.stdout).toMatch(/the sync is left in place/)
    expect(sqliteObjects(path, `type = 'trigger' AND name LIKE '_lockstep_sync%'`).length).toBeGreaterThan(0)

    // The source changes the row again: the sync brings it back, and the cutover goes through.
    const db = new Database(path)
    db.prepare(`UPDATE post SET title = 'Post 42, again' WHERE id = 42`).run()
    db.close()
    const cutover = await lockstep(['cutover', ...args])
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0)
    // The failed cutover forgot the prepared validation: this one compared every row.
    expect(cutover.stdout).toMatch(/No prepared validation .*every row compared/)
    expect(sqliteObjects(path, `name LIKE '%lockstep%'`)).toEqual([])
  }, 60_000)

  it('follows a written PostgreSQL database through its slot and drops the slot at the cutover', async () => {
    const from = await fresh('sync_cli_pg_source')
    await from.client.query(`
      CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE post (id bigserial PRIMARY KEY, author_id int NOT NULL REFERENCES author(id), title text, body text);
      INSERT INTO author SELECT a, 'Author ' || a FROM generate_series(1, 10) a;
      INSERT INTO post (id, author_id, title, body) SELECT p, p % 10 + 1, 'Post ' || p, repeat('x', p % 500) FROM generate_series(1, 5000) p;`)
    const to = await fresh('sync_cli_pg_target')
    const url = `${to.url}?sslmode=disable`
    const source = `${from.url}?sslmode=disable`
    const writer = startWriter(['--postgres', from.url, '--table', 'post', '--column', 'title', '--rate', '200'])
    await writer.started(async () => {
      const { rows } = await from.client.query<{ n: string }>('SELECT max(id)::text AS n FROM post')
      return Number(rows[0]?.n) > 5_000
    })

    const sync = await syncUntilFollowing(['--from', source, '--to', url, '--json'])
    expect(sync.code, sync.stderr).toBe(0)
    const events = jsonLines(sync.stdout)
    expect(events.find((e) => e.event === 'copied')?.status).toBe('SUCCEEDED')
    expect(events.at(-1)?.event).toBe('summary')

    // Ctrl-C, the application writing on: the slot kept every change, and the sync goes on without copying again.
    const again = await syncUntilFollowing(['--from', source, '--to', url, '--json'])
    expect(again.code, again.stderr).toBe(0)
    const resumed = jsonLines(again.stdout)
    expect(resumed.map((e) => e.event)).toContain('resumed')
    expect(resumed.map((e) => e.event)).not.toContain('copied')
    expect(resumed.at(-1)?.applied).toBeGreaterThan(0)
    await writer.stop()

    const cutover = await lockstep(['cutover', '--from', source, '--to', url, '--json'])
    expect(cutover.code, cutover.stdout + cutover.stderr).toBe(0)
    const result = JSON.parse(cutover.stdout) as { status: string; syncId: string; sequences: string[] }
    expect(result.status).toBe('DONE')
    expect(result.sequences.join('\n')).toMatch(/post_id_seq/)
    const { rows } = await from.client.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [
      replicationNames(result.syncId).slot,
    ])
    expect(rows).toEqual([])
    const validate = await lockstep(['validate', '--source', source, '--target', url])
    expect(validate.code, validate.stdout).toBe(0)
    const counts = async (client: typeof from.client) =>
      (await client.query<{ n: string }>('SELECT count(*)::text AS n FROM post')).rows[0]?.n
    expect(await counts(to.client)).toBe(await counts(from.client))
  }, 90_000)
})
