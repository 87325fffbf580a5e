import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { targetDatabases } from '@/lib/testing/target-databases'
import { startWholeSqliteSync, validateSqliteFile } from '@/lib/testing/sqlite-sync'
import { follow } from './follow'
import { CHANGE_TABLE, captureOwner, removeCapture } from './sqlite-capture'
import { sqliteFeed } from './sqlite-feed'

// A SQLite source kept in sync while another process keeps writing to it: the initial copy and the follow
// run under the writer's inserts, updates and deletes; once it stops and the lag is drained, the validation
// finds the target identical, row for row. Then the capture is removed and the file is as it was.

const { fresh, sqliteFile } = targetDatabases('sync-sqlite')
afterAll(stopWriters)

function shop(name: string) {
  return sqliteFile(
    name,
    `CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
     CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author(id), title TEXT, body TEXT, published DATETIME);
     CREATE TABLE tag (post_id INTEGER, label TEXT, PRIMARY KEY (post_id, label)) WITHOUT ROWID;`,
    (db) => {
      db.pragma('journal_mode = WAL')
      db.transaction(() => {
        for (let a = 1; a <= 20; a++) db.prepare('INSERT INTO author VALUES (?, ?)').run(a, `Author ${a}`)
        const post = db.prepare('INSERT INTO post VALUES (?, ?, ?, ?, ?)')
        for (let p = 1; p <= 20_000; p++)
          post.run(p, (p % 20) + 1, `Post ${p}`, 'x'.repeat(p % 300), `2026-01-0${(p % 9) + 1} 10:00:00`)
        const tag = db.prepare('INSERT INTO tag VALUES (?, ?)')
        for (let p = 1; p <= 2_000; p++) tag.run(p, `t${p % 7}`)
      })()
    },
  )
}

describe('keeping a SQLite file in sync', () => {
  it('copies while an application writes, follows its inserts, updates and deletes, and ends identical row for row', async () => {
    const path = shop('shop.db')
    const to = await fresh('sync_sqlite_writer')
    const writer = startWriter(['--sqlite', path, '--table', 'post', '--column', 'title', '--rate', '300'])
    await writer.started(() => {
      const db = new Database(path, { readonly: true })
      const n = (db.prepare('SELECT max(id) AS n FROM post').get() as { n: number }).n
      db.close()
      return n > 20_000
    })
    const summary = await startWholeSqliteSync('sync-test', path, to)
    expect(summary.status).toBe('SUCCEEDED')
    expect(captureOwner(path)).toBe('sync-test')

    const feed = sqliteFeed(path, { tables: [], mapping: EMPTY_MAPPING })
    const stop = new AbortController()
    const lags: number[] = []
    const following = follow({
      syncId: 'sync-test',
      feed,
      client: to.client,
      signal: stop.signal,
      onLag: (lag) => void lags.push(lag.seconds),
    })
    await new Promise((r) => setTimeout(r, 2_500))
    const written = await writer.stop()
    expect(written.inserts + written.updates + written.deletes).toBeGreaterThan(300)
    stop.abort()
    await following
    // Drained: everything the writer did is on the target.
    const drained = await follow({
      syncId: 'sync-test',
      feed,
      client: to.client,
      stopWhen: ({ lag, idle }) => idle && lag?.waiting === 0,
    })
    expect(drained.stoppedBy).toBe('condition')
    await feed.close()
    expect(lags.length).toBeGreaterThan(0)

    const report = await validateSqliteFile(path, to)
    expect(report.tables.map((t) => [t.table, t.state])).toEqual([
      ['author', 'VALIDATED'],
      ['post', 'VALIDATED'],
      ['tag', 'VALIDATED'],
    ])
    const { rows } = await to.client.query<{ n: string }>('SELECT count(*) AS n FROM post')
    const db = new Database(path, { readonly: true })
    expect(Number(rows[0]?.n)).toBe((db.prepare('SELECT count(*) AS n FROM post').get() as { n: number }).n)
    db.close()

    expect(removeCapture(path, 'sync-test')).toBe(true)
    const after = new Database(path, { readonly: true })
    expect(
      after.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%lockstep%' OR name = 'sqlite_sequence'`).all(),
    ).toEqual([])
    after.close()
    expect(CHANGE_TABLE).toMatch(/^_lockstep_sync/)
  }, 120_000)
})
