import { planWithConnections } from '@/lib/testing/plan-setup'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { parseValidationReport } from '@/lib/domain/validation-report'
import { executeOwnRun, syncAndCutoverPhases } from '@/lib/testing/sync-phases'
import { releaseGate } from '@/lib/server/runs/resolve'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { startWriter, stopWriters } from '@/lib/testing/sync-writers'
import { executeValidation } from './validations'
import { requestValidation } from '@/lib/server/validations/commands'
import { ZRequestValidation } from '@/lib/server/validations/schemas'
import { createFollowers } from './syncs'

// Keep in sync, then cut over, as the worker runs them: the sync step copies and hands the sync to the
// followers, which apply an application's writes while it keeps writing; the cutover after a released gate
// takes the sync over, drains it, validates exactly, removes the capture and records the downtime.

let dir = ''
let restoreEnv: (() => void) | null = null
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lockstep-sync-run-'))
  const file = new Database(join(dir, 'shop.db'))
  file.pragma('journal_mode = WAL')
  file.exec(`CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, since DATETIME);
             CREATE TABLE "order" (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), note TEXT, total NUMERIC);`)
  file.transaction(() => {
    for (let c = 1; c <= 50; c++)
      file.prepare('INSERT INTO customer VALUES (?, ?, ?)').run(c, `Customer ${c}`, '2025-03-01 08:00:00')
    for (let o = 1; o <= 5_000; o++)
      file.prepare('INSERT INTO "order" VALUES (?, ?, ?, ?)').run(o, (o % 50) + 1, `order ${o}`, o * 1.25)
  })()
  file.close()
  restoreEnv = exportEnv({ LOCKSTEP_SQLITE_DIR: dir })
})
afterAll(async () => {
  stopWriters()
  restoreEnv?.()
  await rm(dir, { recursive: true, force: true })
})

describe('a sync phase and a cutover phase', () => {
  it('follows an application’s writes after the copy, then cuts over after the gate with the downtime recorded', async () => {
    const targetUrl = await createFreshDatabase('sync_run', { migrate: false })
    const { lead, planId, environmentId } = await planWithConnections({
      title: 'Zero-downtime move',
      source: { sqlite: 'shop.db' },
      target: targetUrl,
    })
    const phases = await syncAndCutoverPhases(lead, { planId, environmentId }, { captureConfirmed: true })

    const path = join(dir, 'shop.db')
    const writer = startWriter(['--sqlite', path, '--table', 'order', '--column', 'note', '--rate', '200'])
    await writer.started(() => {
      const file = new Database(path, { readonly: true })
      const n = (file.prepare('SELECT max(id) AS n FROM "order"').get() as { n: number }).n
      file.close()
      return n > 5_000
    })

    expect(await executeOwnRun(await phases.startSync())).toBe('SUCCEEDED')
    const sync = await db.sync.findFirstOrThrow({ where: { planId } })
    expect(sync.status).toBe('FOLLOWING')

    const followers = createFollowers('sync-run-worker', () => undefined)
    try {
      await followers.tick()
      expect(followers.following()).toContain(sync.id)
      const deadline = Date.now() + 20_000
      for (;;) {
        const now = await db.sync.findUniqueOrThrow({ where: { id: sync.id } })
        if (now.appliedChanges > 100n && now.lagAt) break
        if (Date.now() > deadline) throw new Error(`the follower applied nothing: ${now.error}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      // A validation while the application writes and the sync follows: rows in flight are not differences, a
      // row changed on the target behind the sync's back is.
      await queryDatabase(targetUrl, `UPDATE customer SET name = 'tampered' WHERE id = 7`)
      const { id: validationId } = await requestValidation(
        lead,
        ZRequestValidation.parse({ planId, environmentId, tables: '' }),
      )
      await db.validation.update({ where: { id: validationId }, data: { status: 'RUNNING', workerId: 'sync-run' } })
      expect(await executeValidation(validationId)).toBe('FAILED')
      const during = await db.validation.findUniqueOrThrow({ where: { id: validationId } })
      const tables = parseValidationReport(during.report, validationId)?.tables ?? []
      expect(tables.map((t) => [t.table, t.state, t.samples.map((d) => d.key)])).toEqual([
        ['customer', 'MISMATCHED', ['7']],
        ['order', 'VALIDATED', []],
      ])
      // Every difference named: recorded on the target, so the cutover compares only what changed after it (and 7).
      expect(parseValidationReport(during.report, validationId)?.warnings.join(' ')).toMatch(
        /recorded on the target, so the cutover compares only the rows changed after it began/,
      )
      await queryDatabase(targetUrl, `UPDATE customer SET name = 'Customer 7' WHERE id = 7`)

      const written = await writer.stop()
      expect(written.inserts + written.deletes + written.updates).toBeGreaterThan(100)

      const second = await phases.startCutover()
      expect(await executeOwnRun(second)).toBe('WAITING')
      await releaseGate(lead, second)
      expect(await executeOwnRun(second)).toBe('SUCCEEDED')
    } finally {
      await followers.stop()
    }
    const done = await db.sync.findUniqueOrThrow({ where: { id: sync.id } })
    expect(done.status).toBe('SWITCHED')
    expect(done.downtimeMs).toBeGreaterThan(0)
    expect(done.writesStoppedAt?.getTime()).toBeLessThan(done.switchedAt?.getTime() ?? 0)
    const cutover = await db.stepRun.findFirstOrThrow({ where: { runId: done.cutoverRunId ?? '', kind: 'CUTOVER' } })
    expect(cutover.status).toBe('SUCCEEDED')
    const validation = await db.validation.findFirstOrThrow({ where: { stepRunId: cutover.id } })
    expect(
      parseValidationReport(validation.report, validation.id)?.tables.map((t) => [t.table, t.state, t.method]),
    ).toEqual([
      ['customer', 'VALIDATED', 'changed-rows'],
      ['order', 'VALIDATED', 'changed-rows'],
    ])
    const file = new Database(path, { readonly: true })
    const count = (file.prepare('SELECT count(*) AS n FROM "order"').get() as { n: number }).n
    expect(file.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '_lockstep%'`).all()).toEqual([])
    file.close()
    expect(await queryDatabase(targetUrl, 'SELECT count(*)::int AS n FROM "order"')).toEqual([{ n: count }])
  }, 120_000)
})
