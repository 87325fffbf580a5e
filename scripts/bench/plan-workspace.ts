// Benchmark: the plan list and a plan page under 20 concurrent users, with 200 plans × 10 phases × 30
// checklist items. Starts its own Lockstep (npm start's launcher, production build, fresh embedded
// database), seeds it, signs in, and prints response-time percentiles measured over loopback, two ways:
//   - closed loop: 20 connections firing back to back with no pause (autocannon) – a stress figure;
//   - users: 20 simulated people who each wait about a second (0.5–1.5 s) between pages.
//   npm run bench:plans [-- --duration 20 --connections 20]
import autocannon from 'autocannon'
import pg from 'pg'
import { PLAN_ROLLUP_SQL } from '@/lib/server/plans/rollup'
import { BENCH_EMAIL, percentiles, startBenchApp } from './app'
import { arg } from './args'

const DURATION = arg('duration', 20)
const CONNECTIONS = arg('connections', 20)
const PORT = arg('port', 3300)
const PLANS = 200
const PHASES = 10
const ITEMS = 30
let BASE = ''

async function main() {
  const app = await startBenchApp(PORT, 'lockstep-bench')
  BASE = app.base
  try {
    const planId = await seed(app.databaseUrl)
    const cookie = await app.cookie()
    const results = []
    for (const [label, path] of [
      ['plan list', '/plans'],
      ['plan page', `/plans/${planId}`],
      ['plan page, all 300 items open', `/plans/${planId}?open=all`],
    ] as const) {
      await measure(path, cookie, 5) // warm-up
      results.push({ label: `${label}, closed loop`, path, ...(await measure(path, cookie, DURATION)) })
      results.push({ label: `${label}, users`, path, ...(await measureUsers(path, cookie, DURATION)) })
    }
    console.log(
      `\n${PLANS} plans × ${PHASES} phases × ${ITEMS} checklist items; ${CONNECTIONS} concurrent users; ${DURATION} s per page`,
    )
    console.table(
      results.map((r) => ({
        page: r.label,
        requests: r.count,
        'req/s': r.rps.toFixed(1),
        'p50 ms': r.p50.toFixed(0),
        'p95 ms': r.p95.toFixed(0),
        'p99 ms': r.p99.toFixed(0),
        'non-200': r.errors,
      })),
    )
    for (const r of results)
      console.log(`${r.label}: p95 ${r.p95.toFixed(0)} ms – ${r.p95 < 300 ? 'within' : 'ABOVE'} the 300 ms target`)
  } finally {
    await app.stop()
  }
}

/** Bulk-inserts the data set in a handful of set-based statements. */
async function seed(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const started = Date.now()
    const { rows } = await client.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [BENCH_EMAIL])
    const owner = rows[0]?.id
    await client.query('BEGIN')
    await client.query(
      `INSERT INTO "Plan" ("id", "title", "summary", "status", "ownerId", "updatedAt")
       SELECT gen_random_uuid(), 'Bench plan ' || g, 'Migration ' || g, (ARRAY['DRAFT','ACTIVE','COMPLETED'])[1 + g % 3]::"PlanStatus", $1, now() - g * interval '1 minute'
         FROM generate_series(1, $2::int) g`,
      [owner, PLANS],
    )
    await client.query(
      `INSERT INTO "Phase" ("id", "planId", "position", "name", "plannedStart", "plannedEnd", "updatedAt")
       SELECT gen_random_uuid(), p."id", g, 'Phase ' || (g + 1), current_date + g * 7, current_date + g * 7 + 4, now()
         FROM "Plan" p, generate_series(0, $1::int - 1) g`,
      [PHASES],
    )
    await client.query(
      `INSERT INTO "ChecklistItem" ("id", "phaseId", "position", "text", "owner", "isRequired", "doneAt", "doneById", "updatedAt")
       SELECT gen_random_uuid(), f."id", g, 'Checklist item ' || (g + 1) || ' of ' || f."name", 'DBA team', g % 5 = 0,
              CASE WHEN g < 12 THEN now() END, CASE WHEN g < 12 THEN $2::uuid END, now()
         FROM "Phase" f, generate_series(0, $1::int - 1) g`,
      [ITEMS, owner],
    )
    await client.query(
      `INSERT INTO "Risk" ("id", "planId", "title", "impact", "likelihood", "updatedAt")
       SELECT gen_random_uuid(), p."id", 'Risk ' || g, (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4]::"RiskImpact",
              (ARRAY['RARE','UNLIKELY','POSSIBLE','LIKELY','ALMOST_CERTAIN'])[1 + g % 5]::"RiskLikelihood", now()
         FROM "Plan" p, generate_series(1, 8) g`,
    )
    // Rows written behind the app's back: refresh the list's rollup as every edit would.
    const planIds = (await client.query<{ id: string }>(`SELECT "id" FROM "Plan"`)).rows.map((r) => r.id)
    await client.query(PLAN_ROLLUP_SQL, [planIds])
    await client.query('COMMIT')
    await client.query('ANALYZE')
    const counts = await client.query<{ plans: number; phases: number; items: number }>(
      `SELECT (SELECT count(*) FROM "Plan")::int AS plans, (SELECT count(*) FROM "Phase")::int AS phases, (SELECT count(*) FROM "ChecklistItem")::int AS items`,
    )
    console.log(`Seeded ${JSON.stringify(counts.rows[0])} in ${Date.now() - started} ms`)
    const one = await client.query<{ id: string }>(`SELECT "id" FROM "Plan" ORDER BY "updatedAt" DESC LIMIT 1`)
    return one.rows[0]?.id ?? ''
  } finally {
    await client.end()
  }
}

/**
 * 20 people browsing: each requests the page, reads for 0.5–1.5 s, and asks again. They arrive over
 * the first second (as people do) rather than all in the same millisecond.
 */
async function measureUsers(path: string, cookie: string, duration: number) {
  const times: number[] = []
  let errors = 0
  const deadline = Date.now() + duration * 1000
  const think = () => new Promise((r) => setTimeout(r, 500 + Math.random() * 1000))
  const user = async () => {
    await new Promise((r) => setTimeout(r, Math.random() * 1000))
    while (Date.now() < deadline) {
      const started = performance.now()
      const response = await fetch(`${BASE}${path}`, { headers: { cookie } })
      await response.arrayBuffer()
      times.push(performance.now() - started)
      if (response.status !== 200) errors++
      await think()
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, user))
  return { count: times.length, rps: times.length / duration, ...percentiles(times), errors }
}

async function measure(path: string, cookie: string, duration: number) {
  const times: number[] = []
  let errors = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${BASE}${path}`, connections: CONNECTIONS, duration, headers: { cookie } },
      (error, done) => (error ? reject(error) : resolve(done)),
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime)
      if (statusCode !== 200) errors++
    })
  })
  return { count: times.length, rps: result.requests.average, ...percentiles(times), errors }
}

await main()
