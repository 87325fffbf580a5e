// Benchmark: a plan's status report with 10 phases (20 checklist items each), 50 risks, 100 runs and 365 daily
// snapshots. Starts its own Lockstep (production build, fresh embedded database), seeds the plan, signs in,
// and requests each page one after another – so each time is the server's time for one page, measured over
// loopback – then times the report's data layer alone, in this process.
//   npm run bench:report [-- --requests 200]
import pg from 'pg'
import { exportEnv } from '@/lib/env'
import { BENCH_EMAIL, percentiles, startBenchApp } from './app'
import { arg } from './args'

const REQUESTS = arg('requests', 200)
const PORT = arg('port', 3301)
const PHASES = 10
const ITEMS = 20
const RISKS = 50
const RUNS = 100
const SNAPSHOTS = 365

async function main() {
  const app = await startBenchApp(PORT, 'lockstep-bench-report')
  try {
    const { planId, snapshotId } = await seed(app.databaseUrl)
    const cookie = await app.cookie()
    const pages = [
      ['status report', `/plans/${planId}/report`],
      ['a snapshot, opened as it was', `/plans/${planId}/report/snapshots/${snapshotId}`],
      ['Markdown export', `/plans/${planId}/report/export`],
      ['portfolio', '/reports'],
    ] as const
    const results = []
    for (const [label, path] of pages) {
      await timeRequests(`${app.base}${path}`, cookie, 20) // warm-up
      results.push({ label, ...(await timeRequests(`${app.base}${path}`, cookie, REQUESTS)) })
    }
    const data = await timeDataLayer(app.databaseUrl, planId, REQUESTS)
    console.log(
      `\n1 plan: ${PHASES} phases × ${ITEMS} checklist items, ${RISKS} risks, ${RUNS} runs, ${SNAPSHOTS} snapshots; ${REQUESTS} requests per page, one at a time`,
    )
    console.table([
      ...results.map((r) => ({
        page: r.label,
        requests: r.count,
        'p50 ms': r.p50.toFixed(1),
        'p95 ms': r.p95.toFixed(1),
        'p99 ms': r.p99.toFixed(1),
        'max ms': r.max.toFixed(1),
        'non-200': r.errors,
        KB: (r.bytes / 1024).toFixed(0),
      })),
      {
        page: 'report data layer (in process)',
        requests: data.count,
        'p50 ms': data.p50.toFixed(1),
        'p95 ms': data.p95.toFixed(1),
        'p99 ms': data.p99.toFixed(1),
        'max ms': data.max.toFixed(1),
        'non-200': 0,
        KB: '',
      },
    ])
    const report = results[0]
    if (report)
      console.log(
        `status report: p95 ${report.p95.toFixed(0)} ms – ${report.p95 < 300 ? 'within' : 'ABOVE'} the 300 ms target`,
      )
  } finally {
    await app.stop()
  }
}

async function timeRequests(url: string, cookie: string, count: number) {
  const times: number[] = []
  let errors = 0
  let bytes = 0
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const response = await fetch(url, { headers: { cookie } })
    bytes = (await response.arrayBuffer()).byteLength
    times.push(performance.now() - started)
    if (response.status !== 200) errors++
  }
  const max = Math.max(...times)
  return { count, errors, bytes, max, ...percentiles(times) }
}

/** getReportPage itself – the report, the trend and what changed – without rendering or HTTP. */
async function timeDataLayer(databaseUrl: string, planId: string, count: number) {
  exportEnv({ DATABASE_URL: databaseUrl })
  const { getReportPage } = await import('@/lib/server/reports/history')
  const { db } = await import('@/lib/db')
  const user = await db.user.findUniqueOrThrow({ where: { email: BENCH_EMAIL } })
  const actor = {
    kind: 'user' as const,
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    origin: 'bench',
  }
  const times: number[] = []
  for (let i = 0; i < count + 20; i++) {
    const started = performance.now()
    await getReportPage(actor, planId)
    if (i >= 20) times.push(performance.now() - started)
  }
  await db.$disconnect()
  return { count, max: Math.max(...times), ...percentiles(times) }
}

/** The plan in a handful of set-based statements; the snapshots carry the plan's real report, taken in this process. */
async function seed(databaseUrl: string): Promise<{ planId: string; snapshotId: string }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const started = Date.now()
    const owner = (await client.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [BENCH_EMAIL]))
      .rows[0]?.id
    await client.query('BEGIN')
    const planId = (
      await client.query<{ id: string }>(
        `INSERT INTO "Plan" ("id", "title", "summary", "status", "ownerId", "startDate", "updatedAt")
         VALUES (gen_random_uuid(), 'Bench: billing to PostgreSQL', 'A year of daily reports', 'ACTIVE', $1, current_date - 300, now()) RETURNING "id"`,
        [owner],
      )
    ).rows[0]?.id
    const envs = (
      await client.query<{ id: string }>(
        `INSERT INTO "Environment" ("id", "name", "protected", "updatedAt") VALUES (gen_random_uuid(), 'bench-staging', false, now()), (gen_random_uuid(), 'bench-production', true, now()) RETURNING "id"`,
      )
    ).rows.map((r) => r.id)
    await client.query(
      `INSERT INTO "Phase" ("id", "planId", "position", "name", "plannedStart", "plannedEnd", "completedAt", "updatedAt")
       SELECT gen_random_uuid(), $1, g, 'Phase ' || (g + 1), current_date - 300 + g * 30, current_date - 280 + g * 30,
              CASE WHEN g < 6 THEN now() - (300 - g * 30 - 25) * interval '1 day' END, now()
         FROM generate_series(0, $2::int - 1) g`,
      [planId, PHASES],
    )
    await client.query(
      `INSERT INTO "ChecklistItem" ("id", "phaseId", "position", "text", "isRequired", "doneAt", "doneById", "updatedAt")
       SELECT gen_random_uuid(), f."id", g, 'Checklist item ' || (g + 1) || ' of ' || f."name", g % 5 = 0,
              CASE WHEN f."position" < 7 AND g < 15 THEN now() - (300 - f."position" * 30) * interval '1 day' END, CASE WHEN f."position" < 7 AND g < 15 THEN $2::uuid END, now()
         FROM "Phase" f, generate_series(0, $3::int - 1) g WHERE f."planId" = $1`,
      [planId, owner, ITEMS],
    )
    await client.query(
      `INSERT INTO "Risk" ("id", "planId", "title", "impact", "likelihood", "status", "owner", "mitigation", "updatedAt")
       SELECT gen_random_uuid(), $1, 'Risk ' || g, (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4]::"RiskImpact",
              (ARRAY['RARE','UNLIKELY','POSSIBLE','LIKELY','ALMOST_CERTAIN'])[1 + g % 5]::"RiskLikelihood",
              (ARRAY['OPEN','OPEN','MITIGATED','ACCEPTED','CLOSED'])[1 + g % 5]::"RiskStatus", 'Owner ' || g % 7, 'Mitigation of risk ' || g, now()
         FROM generate_series(1, $2::int) g`,
      [planId, RISKS],
    )
    await client.query(
      `INSERT INTO "SuccessCriterion" ("id", "planId", "position", "text", "status", "updatedAt")
       SELECT gen_random_uuid(), $1, g, 'Criterion ' || g, (ARRAY['MET','PENDING','NOT_MET'])[1 + g % 3]::"CriterionStatus", now() FROM generate_series(1, 10) g`,
      [planId],
    )
    await client.query(
      `INSERT INTO "Run" ("id", "planId", "phaseId", "environmentId", "status", "dryRun", "requestedById", "startedAt", "finishedAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, (SELECT "id" FROM "Phase" WHERE "planId" = $1 AND "position" = g % $5), ($3::uuid[])[1 + g % 2],
              (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','ROLLED_BACK'])[1 + g % 5]::"RunStatus", g % 7 = 0, $2,
              now() - g * interval '3 days', now() - g * interval '3 days' + (30 + g) * interval '1 second', now() - g * interval '3 days', now()
         FROM generate_series(1, $4::int) g`,
      [planId, owner, envs, RUNS, PHASES],
    )
    // The latest run of each phase succeeded: the status is decided by the register, not by a failed run.
    await client.query(
      `UPDATE "Run" SET "status" = 'SUCCEEDED' WHERE "id" IN (SELECT DISTINCT ON ("phaseId", "environmentId") "id" FROM "Run" WHERE "planId" = $1 ORDER BY "phaseId", "environmentId", "createdAt" DESC)`,
      [planId],
    )
    const report = {
      status: 'PASSED',
      source: 'sqlite',
      target: 'postgres',
      tables: Array.from({ length: 30 }, (_, i) => ({ name: `table_${i}`, state: 'VALIDATED' })),
      integrity: [],
      integrityChecked: 12,
      rules: [],
      warnings: [],
      seconds: 42,
    }
    await client.query(
      `INSERT INTO "Validation" ("id", "planId", "environmentId", "requestedById", "status", "tables", "report", "startedAt", "finishedAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, 'PASSED', '{}', $4, now() - interval '2 days', now() - interval '2 days' + interval '42 seconds', now())`,
      [planId, envs[0], owner, JSON.stringify(report)],
    )
    await client.query(
      `INSERT INTO "MaintenanceWindow" ("id", "environmentId", "planId", "startsAt", "endsAt", "latestStartAt", "reason", "status", "requestedById", "updatedAt")
       VALUES (gen_random_uuid(), $2, $1, now() + interval '3 days', now() + interval '3 days 4 hours', now() + interval '3 days 3 hours', 'Cutover', 'APPROVED', $3, now()),
              (gen_random_uuid(), $2, $1, now() + interval '10 days', now() + interval '10 days 4 hours', now() + interval '10 days 3 hours', 'Fallback', 'REQUESTED', $3, now())`,
      [planId, envs[1], owner],
    )
    await client.query('COMMIT')

    exportEnv({ DATABASE_URL: databaseUrl })
    const { buildPlanReport } = await import('@/lib/server/reports/queries')
    const snapshot = await buildPlanReport(planId ?? '')
    await client.query(
      `INSERT INTO "ReportSnapshot" ("id", "planId", "takenAt", "day", "status", "progress", "phasesDone", "openRisks", "criticalRisks", "risksOpened", "risksClosed", "report")
       SELECT gen_random_uuid(), $1, now() - g * interval '1 day', current_date - g, (ARRAY['ON_TRACK','ON_TRACK','AT_RISK','BLOCKED'])[1 + (g / 30) % 4]::"ReportStatus",
              greatest(0, $3::int - g / 6), least(10, (365 - g) / 50), 20 + g % 9, g % 4, g % 3, (g + 1) % 3, $2
         FROM generate_series(0, $4::int - 1) g`,
      [planId, JSON.stringify(snapshot), snapshot.progress, SNAPSHOTS],
    )
    await client.query('ANALYZE')
    const oldest = (
      await client.query<{ id: string }>(
        `SELECT "id" FROM "ReportSnapshot" WHERE "planId" = $1 ORDER BY "takenAt" LIMIT 1`,
        [planId],
      )
    ).rows[0]?.id
    const counts = (
      await client.query(
        `SELECT (SELECT count(*) FROM "Phase" WHERE "planId" = $1)::int AS phases, (SELECT count(*) FROM "Risk" WHERE "planId" = $1)::int AS risks,
                (SELECT count(*) FROM "Run" WHERE "planId" = $1)::int AS runs, (SELECT count(*) FROM "ReportSnapshot" WHERE "planId" = $1)::int AS snapshots`,
        [planId],
      )
    ).rows[0]
    console.log(`Seeded ${JSON.stringify(counts)} in ${Date.now() - started} ms`)
    return { planId: planId ?? '', snapshotId: oldest ?? '' }
  } finally {
    await client.end()
  }
}

await main()
