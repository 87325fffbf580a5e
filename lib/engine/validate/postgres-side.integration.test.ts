import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { postgresTargetFromUrl } from '@/lib/targets/postgres'
import type { Filter, Grouping, Scope } from './model'
import { postgresSide } from './postgres-side'

// The queries a PostgreSQL side sends for the key ranges that bisection narrows down to must read those ranges
// through the key's index, never the whole table: how many rows the planner expects a range to hold is a guess
// (parameters), and under the row fetch's LIMIT a guess of many rows made a whole-table scan look cheapest – on a
// table whose rows are not stored in key order (loaded by parallel streams, as a copy loads them, or updated since).

const ROWS = 20_000
let url: string
let side: ReturnType<typeof postgresSide>
let scope: Scope

beforeAll(async () => {
  url = await createFreshDatabase('validate_side_plans', { migrate: false })
  await queryDatabase(
    url,
    `CREATE TABLE items (id bigint PRIMARY KEY, email varchar(255) NOT NULL, score real, active boolean NOT NULL,
                         created_at timestamptz NOT NULL, note text);
     INSERT INTO items SELECT g, 'user' || g || '@example.com', CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END, g % 2 = 0,
                              timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g END
       FROM generate_series(1, ${ROWS}) g ORDER BY md5(g::text)`,
  )
  await queryDatabase(url, 'VACUUM (FREEZE, ANALYZE) items')
  side = postgresSide(postgresTargetFromUrl(`${url}?sslmode=disable`))
  const [table] = await side.tables()
  if (!table) throw new Error('The test table was not read.')
  scope = { table, key: ['id'], hash: 'native', columns: table.columns.map(({ name, type }) => ({ name, type })) }
})
afterAll(() => side?.close())

/** What `call` sends through the side's connection, each statement explained as the server would run it. */
async function plansOf(call: () => Promise<unknown>): Promise<string[]> {
  const client = await side.client()
  const query = client.query.bind(client) as (
    config: pg.QueryConfig | string,
    values?: unknown[],
  ) => Promise<pg.QueryResult>
  const sent: pg.QueryConfig[] = []
  const spy = (config: pg.QueryConfig | string, values?: unknown[]) => {
    sent.push(typeof config === 'string' ? { text: config, values } : config)
    return query(config, values)
  }
  Object.assign(client, { query: spy })
  try {
    await call()
  } finally {
    Object.assign(client, { query })
  }
  const plans: string[] = []
  for (const { text, values } of sent) {
    const { rows } = await query({ text: `EXPLAIN ${text}`, values })
    plans.push(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'))
  }
  return plans
}

describe('a PostgreSQL side reads key ranges through the key', () => {
  const one: Filter = { kind: 'ranges', ranges: [[10_001n, 10_064n]] }
  const several: Filter = {
    kind: 'ranges',
    ranges: [
      [101n, 164n],
      [5_001n, 5_064n],
      [19_937n, 20_000n],
    ],
  }

  it('fetches the rows of one range, and of several, without scanning the table', async () => {
    for (const filter of [one, several]) {
      const expected = filter.kind === 'ranges' ? filter.ranges.length * 64 : 0
      let fetched = 0
      const plans = await plansOf(async () => {
        fetched = (await side.rows(scope, filter, expected + 1)).size
      })
      expect(fetched).toBe(expected)
      expect(plans).toHaveLength(1)
      expect(plans[0]).toMatch(/Index|index/)
      expect(plans[0]).not.toMatch(/Seq Scan/)
    }
  })

  it('sums the segments of several ranges without scanning the table', async () => {
    const grouping: Grouping = { kind: 'range', lo: 1n, width: 16n }
    let buckets = 0
    const plans = await plansOf(async () => {
      buckets = (await side.digests(scope, several, grouping)).size
    })
    // Each range's keys fall into the 16-key segments counted from key 1 (partly filled ones included).
    const segments = new Set(
      several.kind === 'ranges'
        ? several.ranges.flatMap(([lo, hi]) => {
            const keys: bigint[] = []
            for (let k = lo; k <= hi; k++) keys.push((k - 1n) / 16n)
            return keys
          })
        : [],
    )
    expect(buckets).toBe(segments.size)
    expect(plans[0]).not.toMatch(/Seq Scan/)
  })
})
