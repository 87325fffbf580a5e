import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import { executeInspection } from '@/lib/engine/inspections'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { PRISMA_MAPPING, prismaShapedFile } from '@/lib/testing/prisma-shaped'
import { MAX_INSPECTIONS_IN_FLIGHT, requestInspection } from './commands'
import { getInspection } from './queries'
import { ZRequestInspection } from './schemas'

// The mapping editor's reads of a plan's source, end to end against the real database and a real SQLite file:
// who may ask, what the worker reads (a profile; a preview through a mapping, misfits marked), and who may see it.

let dir = ''
let restoreEnv: (() => void) | null = null
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lockstep-inspections-'))
  prismaShapedFile((name, sql, fill) => {
    const database = new Database(join(dir, name))
    database.exec(sql)
    fill?.(database)
    database.close()
    return join(dir, name)
  })
  restoreEnv = exportEnv({ LOCKSTEP_SQLITE_DIR: dir })
})
afterAll(async () => {
  restoreEnv?.()
  await rm(dir, { recursive: true, force: true })
})

async function setup({ protectedEnvironment = false } = {}) {
  const lead = await makeUser('LEAD')
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: 'Mapped plan' }))
  const environment = await db.environment.create({
    data: { name: `env-${randomUUID().slice(0, 8)}`, protected: protectedEnvironment },
  })
  const source = await db.connection.create({
    data: { environmentId: environment.id, name: 'app.db', engine: 'SQLITE', role: 'SOURCE', filePath: 'app.db' },
  })
  await db.planEnvironment.create({ data: { planId, environmentId: environment.id, sourceConnectionId: source.id } })
  return { lead, planId, environmentId: environment.id }
}

const ask = (planId: string, environmentId: string, more: Record<string, unknown> = {}) =>
  ZRequestInspection.parse({ planId, environmentId, kind: 'profile', ...more })

describe('reading a plan’s source for the mapping editor', () => {
  it('profiles the source and previews a table through an unsaved mapping, misfits marked with the transform', async () => {
    const { lead, planId, environmentId } = await setup()
    const profile = await requestInspection(lead, ask(planId, environmentId))
    expect((await getInspection(lead, planId, profile.id)).state).toBe('QUEUED')
    expect(await executeInspection(profile.id)).toBe('done')
    const read = await getInspection(lead, planId, profile.id)
    expect(read.state).toBe('DONE')
    expect(read.result?.kind === 'profile' && read.result.profile.tables.map((t) => t.name)).toEqual(['Post', 'User'])
    expect((await auditEventsFor(profile.id)).map((e) => e.action)).toEqual(['inspection.request'])

    const { id } = await requestInspection(
      lead,
      ask(planId, environmentId, { kind: 'preview', table: 'User', mapping: JSON.stringify(PRISMA_MAPPING) }),
    )
    expect(await executeInspection(id)).toBe('done')
    const result = (await getInspection(lead, planId, id)).result
    if (result?.kind !== 'preview') throw new Error('expected a preview')
    const { preview } = result
    expect(preview.targetName).toBe('users')
    expect(preview.createTable).toContain('CREATE TABLE "public"."users"')
    expect(preview.createTable).toContain('"created_at" timestamptz NOT NULL')
    expect(preview.createTable).not.toContain('legacy')
    expect([preview.totalRows, preview.keptRows]).toEqual([4, 3])
    expect(preview.columns.map((c) => c.name)).toEqual([
      'id',
      'email',
      'created_at',
      'is_active',
      'settings',
      'display_name',
      'deleted_at',
    ])
    const byEmail = (email: string) => preview.rows.find((r) => r.cells[1]?.value === email)?.cells
    expect(byEmail('ada@example.com')?.[2]).toEqual({ value: '2023-11-14T22:13:20.123Z' })
    expect(byEmail('ada@example.com')?.[5]).toEqual({ value: 'Ada Lovelace' })
    expect(byEmail('odd@example.com')?.[3]).toEqual({
      value: 'maybe',
      misfit: expect.stringContaining('– the value the transform lower(trim("isActive")) gave'),
    })
    expect(byEmail('gone@example.com')).toBeUndefined()
  })

  it('says what it could not read, naming the transform', async () => {
    const { lead, planId, environmentId } = await setup()
    const mapping = { tables: [{ table: 'User', columns: [{ column: 'email', transform: 'lowercase("email")' }] }] }
    const { id } = await requestInspection(
      lead,
      ask(planId, environmentId, { kind: 'preview', table: 'User', mapping: JSON.stringify(mapping) }),
    )
    expect(await executeInspection(id)).toBe('failed')
    expect((await getInspection(lead, planId, id)).error).toBe(
      'The transform of User.email (lowercase("email")) cannot be read by SQLite: no such function: lowercase.',
    )
  })

  it('is for editors, on a protected environment for DBAs; only the requester sees the rows; a few at a time', async () => {
    const { lead, planId, environmentId } = await setup()
    const stakeholder = await makeUser('STAKEHOLDER')
    await expect(requestInspection(stakeholder, ask(planId, environmentId))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    const { id } = await requestInspection(lead, ask(planId, environmentId))
    const otherLead = await makeUser('LEAD')
    await expect(getInspection(otherLead, planId, id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(getInspection(stakeholder, planId, id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(getInspection(lead, randomUUID(), id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    for (let i = 1; i < MAX_INSPECTIONS_IN_FLIGHT; i++) await requestInspection(lead, ask(planId, environmentId))
    await expect(requestInspection(lead, ask(planId, environmentId))).rejects.toThrow(/already under way for you/)
    await db.sourceInspection.deleteMany({ where: { planId } })

    const guarded = await setup({ protectedEnvironment: true })
    await expect(requestInspection(guarded.lead, ask(guarded.planId, guarded.environmentId))).rejects.toThrow(
      /Only a DBA can read the source of the protected environment/,
    )
    const dba = await makeUser('DBA')
    await expect(requestInspection(dba, ask(guarded.planId, guarded.environmentId))).resolves.toMatchObject({
      id: expect.any(String),
    })
    await db.sourceInspection.deleteMany({ where: { planId: guarded.planId } })
  })

  it('refuses a mapping that breaks a rule before anything is queued', () => {
    const parsed = ZRequestInspection.safeParse({
      planId: randomUUID(),
      environmentId: randomUUID(),
      kind: 'preview',
      table: 'User',
      mapping: JSON.stringify({ tables: [{ table: 'User', filter: 'x; DROP TABLE y' }] }),
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/^Mapping – User: the filter contains “;”/)
  })
})
