import { afterAll, describe, expect, it } from 'vitest'
import { targetDatabases } from '@/lib/testing/target-databases'
import { runValidation } from '@/lib/engine/validate/engine'
import { postgresSide } from '@/lib/engine/validate/postgres-side'
import { follow } from './follow'
import { emitMarker, postgresFeed } from './pg-feed'
import { replicationNames } from './pg-replication'
import { startPostgresSync } from './pg-start'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'

// A PostgreSQL source kept in sync through its own logical replication while another process keeps writing:
// the slot's exported snapshot and the initial copy meet exactly, the changes follow in commit order, and after
// the drain the validation finds the target identical row for row.

const { fresh } = targetDatabases('sync-pg')
afterAll(stopWriters)

async function shop(name: string) {
  const db = await fresh(name)
  await db.client.query(`
    CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE post (id bigint PRIMARY KEY, author_id int NOT NULL REFERENCES author(id), title text, body text, published timestamptz, score numeric(12,4), tags text[]);
    INSERT INTO author SELECT a, 'Author ' || a FROM generate_series(1, 20) a;
    INSERT INTO post SELECT p, p % 20 + 1, 'Post ' || p, repeat('x', p % 3000), '2026-01-01 10:00:00.123456+00'::timestamptz + p * interval '1 second', p / 7.0, ARRAY['a', 'b' || p] FROM generate_series(1, 20000) p;`)
  return db
}

describe('keeping a PostgreSQL database in sync', () => {
  it('copies at the slot’s snapshot while an application writes, follows in commit order, and ends identical row for row', async () => {
    const from = await shop('sync_pg_source')
    const to = await fresh('sync_pg_target')
    const writer = startWriter(['--postgres', from.url, '--table', 'post', '--column', 'title', '--rate', '300'])
    await writer.started(async () => {
      const { rows } = await from.client.query<{ n: string }>('SELECT max(id)::text AS n FROM post')
      return Number(rows[0]?.n) > 20_000
    })
    const { summary } = await startPostgresSync({
      syncId: 'pg-sync-test',
      from: from.target,
      session: to.client,
      target: to.target,
      mode: 'create',
      chunkRows: 2_000,
      copyIdFor: (schema) => `pg-sync-test-${schema}`,
    })
    expect(summary.status).toBe('SUCCEEDED')

    const feed = await postgresFeed(from.target, { syncId: 'pg-sync-test', mapping: { tables: [] } })
    const stop = new AbortController()
    const following = follow({ syncId: 'pg-sync-test', feed, client: to.client, signal: stop.signal })
    await new Promise((r) => setTimeout(r, 2_500))
    const written = await writer.stop()
    expect(written.inserts + written.updates + written.deletes).toBeGreaterThan(300)
    const marker = 'drain-1'
    await emitMarker(from.client, marker)
    stop.abort()
    await following
    const drained = await follow({
      syncId: 'pg-sync-test',
      feed,
      client: to.client,
      stopWhen: () => feed.markerReached(marker),
    })
    expect(drained.stoppedBy).toBe('condition')
    await feed.close()

    const source = postgresSide(from.target)
    const target = postgresSide(to.target)
    const report = await runValidation(source, target).finally(() => Promise.all([source.close(), target.close()]))
    expect(report.tables.map((t) => [t.table, t.state, t.sourceRows === t.targetRows])).toEqual([
      ['author', 'VALIDATED', true],
      ['post', 'VALIDATED', true],
    ])
    const { slot } = replicationNames('pg-sync-test')
    const { rows } = await from.client.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])
    expect(rows).toHaveLength(1)
  }, 120_000)
})
