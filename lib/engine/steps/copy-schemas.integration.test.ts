import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { executeRun } from '@/lib/engine/runs'
import type { ValidationReport } from '@/lib/domain/validation-report'
import { createConnection, createEnvironment } from '@/lib/server/connections/commands'
import { ZConnection } from '@/lib/server/connections/schemas'
import { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import { addPhase } from '@/lib/server/plans/phase-commands'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZAddCopyStep, ZAddPhase, ZAddValidateStep, ZCreatePlan } from '@/lib/server/plans/schemas'
import { addCopyStep, addValidateStep } from '@/lib/server/plans/step-commands'
import { startRun } from '@/lib/server/runs/commands'
import { createFreshDatabase, queryDatabase } from '@/lib/testing/fresh-database'
import { makeUser } from '@/lib/testing/factories'
import type { CopyDetail } from '@/lib/domain/step-details'

// Copy and validate steps of a plan whose source is a PostgreSQL database with several schemas
// (../copy/fixtures/multi-schema.sql): every schema by default, or those the steps name – the run page's
// detail naming tables outside public as schema.table and the schemas left out.

const [DDL = '', DATA = ''] = readFileSync(new URL('../copy/fixtures/multi-schema.sql', import.meta.url), 'utf8').split(
  '\n-- data\n',
)

async function runPlan(schemas: string) {
  const dba = await makeUser('DBA')
  const admin = await makeUser('ADMIN')
  const sourceUrl = await createFreshDatabase('step_schemas_src', { migrate: false })
  await queryDatabase(sourceUrl, DDL)
  await queryDatabase(sourceUrl, DATA)
  const targetUrl = await createFreshDatabase('step_schemas_dst', { migrate: false })
  const { id: environmentId } = await createEnvironment(dba, {
    name: `env-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const connect = async (name: string, role: 'SOURCE' | 'TARGET', url: string) =>
    (
      await createConnection(
        admin,
        ZConnection.parse({
          environmentId,
          engine: 'POSTGRES',
          ownServer: 'allow',
          name,
          role,
          url: `${url}?sslmode=disable`,
        }),
      )
    ).id
  const sourceConnectionId = await connect('shop', 'SOURCE', sourceUrl)
  const targetConnectionId = await connect('shop-next', 'TARGET', targetUrl)
  const { id: planId } = await createPlan(dba, ZCreatePlan.parse({ title: `Schemas ${randomUUID().slice(0, 8)}` }))
  const { id: phaseId } = await addPhase(dba, ZAddPhase.parse({ planId, name: 'Data Migration' }))
  await setPlanEnvironment(dba, { planId, environmentId, sourceConnectionId, targetConnectionId })
  await addCopyStep(
    dba,
    ZAddCopyStep.parse({
      phaseId,
      name: 'Copy the shop',
      tables: '',
      schemas,
      mode: 'create',
      jobs: '2',
      chunkRows: '100',
      reload: '',
    }),
  )
  await addValidateStep(
    dba,
    ZAddValidateStep.parse({ phaseId, name: 'Validate the shop', tables: '', schemas, integrity: 'on' }),
  )
  const { id: runId } = await startRun(dba, { planId, phaseId, environmentId, dryRun: false })
  // Executed here, not by a worker of another test file.
  await db.run.update({ where: { id: runId }, data: { status: 'RUNNING', workerId: 'test', startedAt: new Date() } })
  const outcome = await executeRun(runId)
  const [copy, validate] = await db.stepRun.findMany({ where: { runId }, orderBy: { step: { position: 'asc' } } })
  const validation = await db.validation.findFirstOrThrow({ where: { stepRunId: validate?.id } })
  return {
    outcome,
    copy: copy?.detail as CopyDetail,
    copyStatus: copy?.status,
    report: validation.report as unknown as ValidationReport,
    targetUrl,
  }
}

describe('copy and validate steps on a PostgreSQL source with several schemas', () => {
  it('copy and validate every schema when the steps name none', async () => {
    const { outcome, copy, report, targetUrl } = await runPlan('')
    expect(outcome).toBe('SUCCEEDED')
    expect(copy.tables.map((t) => [t.table, t.written])).toEqual([
      ['note', 40],
      ['crm.customer', 300],
      ['sales.note', 250],
      ['sales.orders', 700],
    ])
    expect(copy.notCopied).toEqual([])
    expect(report.tables.map((t) => [t.table, t.state])).toEqual([
      ['crm.customer', 'VALIDATED'],
      ['note', 'VALIDATED'],
      ['sales.note', 'VALIDATED'],
      ['sales.orders', 'VALIDATED'],
    ])
    expect(
      await queryDatabase(
        targetUrl,
        `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conname IN ('orders_customer_id_fkey', 'customer_pinned_note_fkey')`,
      ),
    ).toEqual([{ n: 2 }])
  })

  it('copy and validate only the schemas the steps name, and the copy names the schema left out', async () => {
    const { outcome, copy, report } = await runPlan('public\ncrm')
    expect(outcome).toBe('SUCCEEDED')
    expect(copy.tables.map((t) => t.table)).toEqual(['note', 'crm.customer'])
    expect(copy.warnings).toContain("Not chosen, so not copied: the source's tables in the schema sales (2 tables).")
    expect(report.status).toBe('PASSED')
    expect(report.tables.map((t) => t.table)).toEqual(['crm.customer', 'note'])
    expect(report.warnings).toContain(
      "Not chosen, so not validated: the source's tables in the schema sales (2 tables).",
    )
  })
})
