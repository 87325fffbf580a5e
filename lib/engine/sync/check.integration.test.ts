import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { EMPTY_MAPPING } from '@/lib/domain/mapping-lookup'
import { targetDatabases } from '@/lib/testing/target-databases'
import { startWholeSqliteSync, validateSqliteFile } from '@/lib/testing/sqlite-sync'
import type { ValidationOptions } from '@/lib/engine/validate/model'
import { beginSyncCheck, sinceCheck } from './check'
import { follow } from './follow'
import { sqliteFeed } from './sqlite-feed'

// A validation while the sync follows, recorded on the target, leaves the cutover only the rows changed after
// it – and those that differed during it – to compare, with every table's row count. What the sync did not
// change is trusted only as far as that goes: a row changed behind the sync's back after the check is found
// when it is among the changed rows or changes a count, and a validation that cannot name its differences
// records nothing (the cutover then compares every row).

const { fresh, sqliteFile } = targetDatabases('sync-check')
const SYNC = 'sync-check'

function shop(name: string) {
  return sqliteFile(
    name,
    `CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
     CREATE TABLE post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT);
     CREATE TABLE tag (post_id INTEGER, label TEXT, PRIMARY KEY (post_id, label)) WITHOUT ROWID;`,
    (db) => {
      db.pragma('journal_mode = WAL')
      db.transaction(() => {
        for (let a = 1; a <= 10; a++) db.prepare('INSERT INTO author VALUES (?, ?)').run(a, `Author ${a}`)
        const post = db.prepare('INSERT INTO post VALUES (?, ?, ?)')
        for (let p = 1; p <= 5_000; p++) post.run(p, (p % 10) + 1, `Post ${p}`)
        for (let p = 1; p <= 300; p++) db.prepare('INSERT INTO tag VALUES (?, ?)').run(p, `t${p % 7}`)
      })()
    },
  )
}

async function syncedShop(name: string) {
  const path = shop(`${name}.db`)
  const to = await fresh(name)
  const summary = await startWholeSqliteSync(SYNC, path, to)
  expect(summary.status).toBe('SUCCEEDED')
  const feed = sqliteFeed(path, { tables: [], mapping: EMPTY_MAPPING })
  const change = async (sql: string) => {
    const file = new Database(path)
    file.exec(sql)
    file.close()
    await follow({ syncId: SYNC, feed, client: to.client, stopWhen: ({ lag, idle }) => idle && lag?.waiting === 0 })
  }
  const validate = (options: ValidationOptions = {}) => validateSqliteFile(path, to, { integrity: false, ...options })
  return { to, change, validate, close: () => feed.close() }
}

describe('a validation while the sync follows, for the cutover', () => {
  it('leaves the cutover the rows changed since and those that differed, and finds what differs among them', async () => {
    const shop = await syncedShop('sync_check_rows')
    try {
      // Post 7 changed behind the sync's back: a difference the check names, so the cutover compares it again.
      await shop.to.client.query(`UPDATE post SET title = 'tampered' WHERE id = 7`)
      const check = await beginSyncCheck(shop.to.client, SYNC)
      if (!check) throw new Error('the target has no record of the sync')
      const during = await shop.validate({ onDifference: check.onDifference })
      expect(during.tables.map((t) => [t.table, t.state, t.samples.map((s) => s.key)])).toEqual([
        ['author', 'VALIDATED', []],
        ['post', 'MISMATCHED', ['7']],
        ['tag', 'VALIDATED', []],
      ])
      expect(await check.record(during)).toBe(true)

      await shop.change(
        `UPDATE post SET title = 'edited' WHERE id IN (10, 11); DELETE FROM post WHERE id = 12;
         INSERT INTO post VALUES (9001, 1, 'new'); UPDATE author SET name = 'Renamed' WHERE id = 3;
         INSERT INTO tag VALUES (1, 'extra')`,
      )
      const since = await sinceCheck(shop.to.client, SYNC)
      if (!since) throw new Error('no check recorded')
      expect([...(since.changedKeys('public', 'post') ?? [])].sort()).toEqual(['10', '11', '12', '7', '9001'])
      expect(since.changedKeys('public', 'author')).toEqual(['3'])
      let report = await shop.validate({ changedKeys: since.changedKeys })
      expect(report.tables.map((t) => [t.table, t.state, t.method, t.compared])).toEqual([
        ['author', 'VALIDATED', 'changed-rows', 1],
        ['post', 'MISMATCHED', 'changed-rows', 5],
        // A key the rows cannot be fetched by one by one: the table is compared whole.
        ['tag', 'VALIDATED', 'key-hash', 301],
      ])
      expect(report.tables[1]?.samples.map((s) => [s.kind, s.key])).toEqual([['changed', '7']])

      await shop.to.client.query(`UPDATE post SET title = 'Post 7' WHERE id = 7`)
      report = await shop.validate({ changedKeys: since.changedKeys })
      expect(report.status).toBe('PASSED')

      // A row the sync never touched, gone from the target: the counts tell.
      await shop.to.client.query(`DELETE FROM post WHERE id = 3`)
      report = await shop.validate({ changedKeys: (await sinceCheck(shop.to.client, SYNC))?.changedKeys })
      expect(report.tables[1]?.state).toBe('MISMATCHED')
      expect(report.tables[1]?.notes.join(' ')).toMatch(
        /row counts differ \(5,000 on the source, 4,999 on the target\)/,
      )
    } finally {
      await shop.close()
    }
  }, 120_000)

  it('records nothing from a validation that cannot name its differences, and forgets an earlier one', async () => {
    const shop = await syncedShop('sync_check_unnamed')
    try {
      const first = await beginSyncCheck(shop.to.client, SYNC)
      expect(await first?.record(await shop.validate({ onDifference: first.onDifference }))).toBe(true)
      expect(await sinceCheck(shop.to.client, SYNC)).not.toBeNull()

      await shop.to.client.query(`UPDATE post SET title = 'tampered' WHERE id IN (1, 2, 3)`)
      const second = await beginSyncCheck(shop.to.client, SYNC)
      const report = await shop.validate({ onDifference: second?.onDifference, maxDifferences: 2 })
      expect(report.tables[1]?.suspended).toBe(true)
      expect(await second?.record(report)).toBe(false)
      expect(await sinceCheck(shop.to.client, SYNC)).toBeNull()
    } finally {
      await shop.close()
    }
  }, 120_000)
})
