import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { db } from '@/lib/db'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddManualStep, ZAddPhase, ZAddSqlStep } from '@/lib/server/plans/schemas'
import { addManualStep, addSqlStep } from '@/lib/server/plans/step-commands'
import { startRun as startAnyRun } from '@/lib/server/runs/commands'
import { getPhasePreviewForViewer, type PhasePreviewDTO } from '@/lib/server/runs/preview'
import { releaseGate } from '@/lib/server/runs/resolve'
import type { SqlPreview } from '@/lib/domain/run-preview'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { planWithConnections } from '@/lib/testing/plan-setup'
import { ownRuns } from '@/lib/testing/own-runs'
import { executeRun } from './runs'

// The preview of a phase against what the engine then does with it: the statements the target receives (text,
// order, Lockstep's BEGIN/COMMIT, the timeouts set before each script), what the run records (statement counts,
// one log line per statement with its kind and line, the gate it stops at) and the history table's
// transaction_mode. The target's connection is observed, not replaced: every query still goes to PostgreSQL.

const own = ownRuns()

const TRANSACTIONAL = `CREATE TABLE orders (id bigint PRIMARY KEY, status text);
INSERT INTO orders SELECT g, NULL FROM generate_series(1, 50) g;
ALTER TABLE orders ADD COLUMN note text;`
const CONCURRENT = `-- built without blocking writes
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
CREATE INDEX orders_note_idx ON orders (note);`
const AS_WRITTEN = `BEGIN;
UPDATE orders SET status = 'new' WHERE status IS NULL;
DELETE FROM orders WHERE id > 40;
COMMIT;
ANALYZE orders;`

async function phaseWithScripts() {
  const targetUrl = await createFreshDatabase('preview_target', { migrate: false })
  const setup = await planWithConnections({ title: `Preview ${Date.now()}`, target: targetUrl })
  const { lead, planId } = setup
  const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Schema upgrade' }))
  const sql = (name: string, body: string, extra: Record<string, string> = {}) =>
    addSqlStep(lead, ZAddSqlStep.parse({ phaseId, name, body, rollbackBody: '', ...extra }))
  await sql('Orders table', TRANSACTIONAL, { lockTimeoutMs: '2500', statementTimeoutSeconds: '90' })
  await addManualStep(lead, ZAddManualStep.parse({ phaseId, name: 'Go / no-go', requireChecklist: '' }))
  await sql('Status index', CONCURRENT)
  await sql('Backfill', AS_WRITTEN)
  return { ...setup, phaseId, targetUrl, database: new URL(targetUrl).pathname.slice(1) }
}

/** What the engine sends for a script, as the preview describes it: the timeouts, then Lockstep's BEGIN … COMMIT or the statements alone. */
function sentFor(sql: SqlPreview): string[] {
  const statements = sql.statements.map((s) => s.sql)
  return [
    `SET lock_timeout = ${sql.timeouts.lockTimeoutMs}; SET statement_timeout = ${sql.timeouts.statementTimeoutMs}`,
    ...(sql.mode === 'lockstep' ? ['BEGIN', ...statements, 'COMMIT'] : statements),
  ]
}

// Lockstep's bookkeeping on the target (its lock, history, session settings, the blocking-session watch).
const BOOKKEEPING =
  /lockstep\.|schema_history|advisory|pg_backend_pid|pg_blocking_pids|pg_stat_activity|pg_cancel_backend|application_name|client_connection_check_interval|pg_index|pg_namespace|pg_attribute|pg_locks|to_regnamespace|to_regclass|current_user|CREATE SCHEMA|current_setting|version\(\)|^SHOW |^SELECT 1$/i

/**
 * What the run sent of its own: neither bookkeeping nor the drift check's reads of the schema (before the first
 * step and after the last, each in a read-only transaction of its own – lib/engine/drift.ts).
 */
function scriptQueries(sent: string[]): string[] {
  const kept: string[] = []
  let inSnapshot = false
  for (const q of sent) {
    if (q.startsWith('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')) inSnapshot = true
    else if (inSnapshot && q === 'COMMIT') inSnapshot = false
    else if (!inSnapshot && !BOOKKEEPING.test(q)) kept.push(q)
  }
  return kept
}

/** Every query text sent to `database` by any pg client in this process while `fn` runs. */
async function observeTarget<T>(database: string, fn: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const sent: string[] = []
  const original = pg.Client.prototype.query
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
    this: pg.Client,
    ...args: Parameters<typeof original>
  ) {
    const [text] = args as unknown[]
    const sql = typeof text === 'string' ? text : (text as { text?: string } | null)?.text
    if (this.database === database && typeof sql === 'string') sent.push(sql)
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof original)
  try {
    return { result: await fn(), sent }
  } finally {
    spy.mockRestore()
  }
}

afterEach(() => vi.restoreAllMocks())

async function work() {
  const runId = await own.claim('preview-worker')
  if (!runId) throw new Error('nothing to claim')
  return executeRun(runId)
}

describe('a run’s preview', () => {
  it('is what the run then executes: statements, order, transactions, timeouts, gate and history', async () => {
    const { lead, planId, phaseId, environmentId, targetUrl, database } = await phaseWithScripts()
    const preview: PhasePreviewDTO = await getPhasePreviewForViewer(lead, planId, phaseId)
    expect(preview.refusals).toEqual([])
    expect(preview.steps.map((s) => [s.name, s.kind, s.sql?.mode ?? null])).toEqual([
      ['Orders table', 'SQL', 'lockstep'],
      ['Go / no-go', 'MANUAL', null],
      ['Status index', 'SQL', 'none'],
      ['Backfill', 'SQL', 'script'],
    ])
    expect(preview.gates).toEqual([{ step: 1, text: 'waits for a person to release it' }])
    const [orders, , index, backfill] = preview.steps.map((s) => s.sql)
    if (!orders || !index || !backfill) throw new Error('SQL steps without a preview')
    expect(orders.timeouts).toMatchObject({ lockTimeoutMs: 2500, statementTimeoutMs: 90_000, lockTimeoutSet: true })
    expect(orders.statements.map((s) => [s.line, s.lock])).toEqual([
      [1, 'no table lock (a new table)'],
      [2, 'ROW EXCLUSIVE on orders'],
      [3, 'ACCESS EXCLUSIVE on orders'],
    ])
    expect(index.statements.map((s) => [s.line, s.runsIn, s.lock])).toEqual([
      [2, 'none', 'SHARE UPDATE EXCLUSIVE on orders'],
      [3, 'none', 'SHARE on orders'],
    ])

    // The run fixes the same content the preview was computed from.
    const run = own.track(await startAnyRun(lead, { planId, phaseId, environmentId, dryRun: false }))
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).contentChecksum).toBe(preview.contentChecksum)

    // Up to the gate: only the first script ran, and the run waits where the preview says.
    const first = await observeTarget(database, work)
    expect(first.result).toBe('WAITING')
    expect(scriptQueries(first.sent)).toEqual(sentFor(orders))
    const waiting = await db.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: 'asc' } })
    expect(waiting.map((s) => s.status)).toEqual(['SUCCEEDED', 'WAITING', 'PENDING', 'PENDING'])

    await releaseGate(lead, run.id)
    const rest = await observeTarget(database, work)
    expect(rest.result).toBe('SUCCEEDED')
    expect(scriptQueries(rest.sent)).toEqual([...sentFor(index), ...sentFor(backfill)])

    // What the run and the target recorded agree with the preview.
    const stepRuns = await db.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: 'asc' } })
    expect(stepRuns.map((s) => [s.name, s.statementsTotal, s.statementsApplied])).toEqual(
      // A gate records no statements.
      preview.steps.map((s) => [s.name, s.sql?.statements.length ?? 0, s.sql?.statements.length ?? 0]),
    )
    const log = (await db.runEvent.findMany({ where: { runId: run.id }, orderBy: { id: 'asc' } })).map((e) => e.message)
    const done = log.flatMap((m) => /^(\w+) \(line (\d+)\) done in/.exec(m)?.slice(1, 3) ?? [])
    expect(done).toEqual(
      [orders, index, backfill].flatMap((sql) => sql.statements.flatMap((s) => [s.kind, String(s.line)])),
    )
    const history = await queryDatabase(
      targetUrl,
      'SELECT description, transaction_mode, statements_total FROM lockstep.schema_history ORDER BY started_at',
    )
    expect(history).toEqual(
      preview.steps
        .filter((s) => s.sql)
        .map((s) => ({
          description: s.name,
          transaction_mode: s.sql?.mode,
          statements_total: s.sql?.statements.length,
        })),
    )
  })

  it('every role that reads the plan sees it; a phase of another plan is not found; an empty phase has nothing', async () => {
    const { planId, phaseId } = await phaseWithScripts()
    const other = await phaseWithScripts()
    const stakeholder = await makeUser('STAKEHOLDER')
    expect((await getPhasePreviewForViewer(stakeholder, planId, phaseId)).steps).toHaveLength(4)
    await expect(getPhasePreviewForViewer(stakeholder, planId, other.phaseId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(getPhasePreviewForViewer(stakeholder, planId, 'not-an-id')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    const { id: empty } = await addPhase(other.lead, ZAddPhase.parse({ planId: other.planId, name: 'Nothing yet' }))
    const preview = await getPhasePreviewForViewer(stakeholder, other.planId, empty)
    expect([preview.steps, preview.gates, preview.refusals]).toEqual([[], [], ['“Nothing yet” has no steps to run.']])
  })
})
