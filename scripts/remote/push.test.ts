import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readScriptsDir } from '@/lib/engine/sql/scripts-dir'
import { pushSummary, stepNameOf, stepRequests, wouldPush } from './push'

// A migration folder as `lockstep remote push` sends it: one request per script, in folder order, named after
// the migration, with its undo script when the folder has one.

const FLYWAY = join(import.meta.dirname, '../../e2e/fixtures/remote-migrations')
const PRISMA = join(import.meta.dirname, '../../lib/engine/sql/fixtures/plan-only')
const scratch: string[] = []
afterAll(() => Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true }))))

describe('folder → requests', () => {
  it('maps a Flyway folder in version order, each V script with its U script', async () => {
    const { scripts, skipped } = await readScriptsDir(FLYWAY)
    const requests = stepRequests(scripts, false)
    expect(skipped).toEqual([])
    expect(requests.map((r) => [r.file, r.body.name])).toEqual([
      ['V1__create_customers.sql', 'V1__create_customers'],
      ['V2__create_orders.sql', 'V2__create_orders'],
      ['V3__order_notes.sql', 'V3__order_notes'],
    ])
    expect(requests[0]?.body.script).toMatch(/^-- Customers.*\nCREATE TABLE customers/s)
    expect(requests[0]?.body.rollbackScript).toBe('DROP TABLE customers;\n')
    // No undo script: no rollbackScript field at all (the step keeps none), and no allowAppliedChange unless asked.
    expect(Object.keys(requests[2]?.body ?? {})).toEqual(['name', 'script'])
    expect(stepRequests(scripts, true)[2]?.body.allowAppliedChange).toBe(true)
  })

  it('names Prisma migrations after their folders', async () => {
    const { scripts } = await readScriptsDir(PRISMA)
    expect(stepRequests(scripts, false).map((r) => [r.file, r.body.name])).toEqual([
      ['20240105093000_init/migration.sql', '20240105093000_init'],
      ['20240212141500_order_status_index/migration.sql', '20240212141500_order_status_index'],
      ['20240301080000_status_enum/migration.sql', '20240301080000_status_enum'],
    ])
  })

  it('names a Flyway script in a subfolder by its file, and says what is not pushed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remote-push-'))
    scratch.push(dir)
    await mkdir(join(dir, 'release-2'))
    await writeFile(join(dir, 'V1__one.sql'), 'CREATE TABLE one (id int);')
    await writeFile(join(dir, 'release-2', 'V2__two.sql'), 'CREATE TABLE two (id int);')
    await writeFile(join(dir, 'R__views.sql'), 'CREATE VIEW v AS SELECT 1;')
    const { scripts, skipped } = await readScriptsDir(dir)
    expect(stepRequests(scripts, false).map((r) => r.body.name)).toEqual(['V1__one', 'V2__two'])
    expect(stepNameOf({ version: 'V2', file: 'release-2/V2__two.sql' })).toBe('V2__two')
    expect(skipped.map((s) => s.name)).toEqual(['R__views.sql'])
  })
})

describe('dry run and summary', () => {
  const phase = (steps: Record<string, unknown>[]) => ({ id: 'f', name: 'Schema', position: 0, steps: steps as never })
  const requests = [
    { file: 'V1__a.sql', body: { name: 'V1__a', script: 'select 1;' } },
    { file: 'V2__b.sql', body: { name: 'V2__b', script: 'select 2;', rollbackScript: 'select 0;' } },
  ]

  it('says “would create” for a new name and only “would send” for an existing step whose script it cannot see', () => {
    expect(wouldPush(requests, phase([{ id: 's1', name: 'V1__a', kind: 'SQL', position: 0 }]))).toEqual([
      { file: 'V1__a.sql', name: 'V1__a', outcome: 'would send' },
      { file: 'V2__b.sql', name: 'V2__b', outcome: 'would create' },
    ])
  })

  it('compares the texts when the plan shows them', () => {
    const steps = [
      { id: 's1', name: 'V1__a', kind: 'SQL', position: 0, script: 'select 1;', rollbackScript: null },
      { id: 's2', name: 'V2__b', kind: 'SQL', position: 1, script: 'select 2;', rollbackScript: 'select -1;' },
    ]
    expect(wouldPush(requests, phase(steps)).map((p) => p.outcome)).toEqual(['unchanged', 'updated'])
  })

  it('counts the outcomes', () => {
    expect(pushSummary([{ outcome: 'created' }, { outcome: 'unchanged' }, { outcome: 'unchanged' }])).toBe(
      '3 scripts: 1 created, 2 unchanged.',
    )
    expect(pushSummary([])).toBe('0 scripts: nothing to push.')
  })
})
