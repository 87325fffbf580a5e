import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { parseValidationReport } from '@/lib/domain/validation-report'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { ZAddCopyStep, ZAddPhase, ZAddValidateStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addCopyStep, addValidateStep } from '@/lib/server/plans/step-commands'
import { startRun } from '@/lib/server/runs/commands'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import { PRISMA_MAPPING, prismaShapedFile } from '@/lib/testing/prisma-shaped'
import { executeRun } from './runs'

// A phase that copies through a mapping and then validates, run as the worker runs it: the validate step
// reads the source through the copy step's mapping, so the mapped copy validates exactly.

let dir = ''
let restoreEnv: (() => void) | null = null
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lockstep-mapped-run-'))
  prismaShapedFile(
    (name, sql, fill) => {
      const database = new Database(join(dir, name))
      database.exec(sql)
      fill?.(database)
      database.close()
      return join(dir, name)
    },
    'app.db',
    { misfit: false },
  )
  restoreEnv = exportEnv({ LOCKSTEP_SQLITE_DIR: dir })
})
afterAll(async () => {
  restoreEnv?.()
  await rm(dir, { recursive: true, force: true })
})

describe('a phase that copies through a mapping and validates', () => {
  it('copies renamed, retyped and filtered rows and validates them exactly through the same mapping', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    const targetUrl = await createFreshDatabase('mapped_run', { migrate: false })
    const { id: environmentId } = await createEnvironment(admin, {
      name: `staging-${randomUUID().slice(0, 8)}`,
      description: '',
      protected: false,
    })
    const { id: sourceId } = await createConnection(
      admin,
      ZConnection.parse({ environmentId, engine: 'SQLITE', name: 'app.db', role: 'SOURCE', filePath: 'app.db' }),
    )
    const { id: targetId } = await createConnection(
      admin,
      ZConnection.parse({
        environmentId,
        engine: 'POSTGRES',
        ownServer: 'allow',
        name: 'target',
        role: 'TARGET',
        url: `${targetUrl}?sslmode=disable`,
      }),
    )
    const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Mapped move' }))
    const { id: phaseId } = await addPhase(lead, ZAddPhase.parse({ planId, name: 'Data' }))
    await setPlanEnvironment(lead, {
      planId,
      environmentId,
      sourceConnectionId: sourceId,
      targetConnectionId: targetId,
    })
    await addCopyStep(
      lead,
      ZAddCopyStep.parse({
        phaseId,
        name: 'Copy',
        tables: '',
        mode: 'create',
        mapping: JSON.stringify(PRISMA_MAPPING),
      }),
    )
    await addValidateStep(lead, ZAddValidateStep.parse({ phaseId, name: 'Validate', tables: 'User, posts' }))
    const { id: runId } = await startRun(lead, { planId, phaseId, environmentId, dryRun: false, code: undefined })
    // This test's own run, claimed by id (other files' runs are theirs).
    await db.run.update({
      where: { id: runId },
      data: { status: 'RUNNING', workerId: 'mapped-run', startedAt: new Date() },
    })
    const status = await executeRun(runId)
    const steps = await db.stepRun.findMany({
      where: { runId },
      orderBy: { position: 'asc' },
      select: { status: true, error: true },
    })
    expect(steps).toEqual([
      { status: 'SUCCEEDED', error: null },
      { status: 'SUCCEEDED', error: null },
    ])
    expect(status).toBe('SUCCEEDED')
    const validation = await db.validation.findFirstOrThrow({ where: { planId } })
    const report = parseValidationReport(validation.report, validation.id)
    expect(report?.tables.map((t) => [t.table, t.state])).toEqual([
      ['posts', 'VALIDATED'],
      ['users', 'VALIDATED'],
    ])
    expect(await queryDatabase(targetUrl, `SELECT display_name FROM users ORDER BY created_at`)).toEqual([
      { display_name: 'Ada Lovelace' },
      { display_name: 'Grace' },
    ])
  })
})
