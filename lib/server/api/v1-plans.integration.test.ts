import { describe, expect, it } from 'vitest'
import { GET as me } from '@/app/api/v1/me/route'
import { GET as listPlans } from '@/app/api/v1/plans/route'
import { GET as getPlan } from '@/app/api/v1/plans/[planId]/route'
import { PUT as putSqlStep } from '@/app/api/v1/plans/[planId]/phases/[phaseId]/sql-steps/route'
import { GET as getPreview } from '@/app/api/v1/plans/[planId]/phases/[phaseId]/preview/route'
import { POST as postWindow } from '@/app/api/v1/plans/[planId]/windows/route'
import { GET as getValidation } from '@/app/api/v1/validations/[validationId]/route'
import { GET as openapi } from '@/app/api/v1/openapi.json/route'
import { db } from '@/lib/db'
import { apiFixture } from '@/lib/testing/api-fixture'
import { call, tokenOf } from '@/lib/testing/api-tokens'
import { revokeToken } from '@/lib/server/tokens/commands'

// Reading plans and keeping SQL steps from files through /api/v1, requesting windows; who the token is; the
// problems a pipeline meets (no token, a revoked one, too many requests).

const fixture = apiFixture('api_plans')

describe('/api/v1 plans', () => {
  it('answers who the token acts for, and 401 without a token or with a revoked one', async () => {
    const f = await fixture
    const token = await tokenOf(f.lead, ['READ'])
    const answer = await call(me, { path: '/me', token: token.secret })
    expect(answer.json).toMatchObject({
      id: f.lead.id,
      role: 'LEAD',
      token: { id: token.id, scopes: ['read'], expiresAt: expect.any(String) },
    })
    const anonymous = await call(me, { path: '/me' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.type).toBe('https://lockstep.dev/problems/unauthenticated')
    await revokeToken(f.lead, { tokenId: token.id })
    expect((await call(me, { path: '/me', token: token.secret })).status).toBe(401)
  })

  it('never takes a session cookie for a token', async () => {
    const answer = await call(me, { path: '/me', headers: { cookie: 'authjs.session-token=anything' } })
    expect(answer.status).toBe(401)
  })

  it('lists plans a page at a time', async () => {
    const f = await fixture
    const token = await tokenOf(f.stakeholder, ['READ'])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2'
      const page = await call(listPlans, { path: `/plans${query}`, token: token.secret })
      expect(page.status).toBe(200)
      const items = page.json.items as { id: string }[]
      expect(items.length).toBeLessThanOrEqual(2)
      seen.push(...items.map((p) => p.id))
      cursor = page.json.nextCursor as string | null
    } while (cursor)
    expect(seen).toContain(f.planId)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.length).toBe(await db.plan.count())
    const tooMany = await call(listPlans, { path: '/plans?limit=500', token: token.secret })
    expect(tooMany.status).toBe(422)
    expect(tooMany.json.errors).toHaveProperty('limit')
  })

  it('reads a plan’s outline; an unknown id is not found', async () => {
    const f = await fixture
    const phase = await f.phase('Outline')
    const token = await tokenOf(f.stakeholder, ['READ'])
    const answer = await call(getPlan, {
      path: `/plans/${f.planId}`,
      token: token.secret,
      params: { planId: f.planId },
    })
    expect(answer.json).toMatchObject({
      id: f.planId,
      phases: expect.arrayContaining([
        expect.objectContaining({ id: phase.id, steps: [expect.objectContaining({ name: 'Create t', kind: 'SQL' })] }),
      ]),
      environments: [
        { id: f.staging.id, protected: false, position: expect.any(Number), name: f.staging.name },
        { id: f.production.id, protected: true, position: expect.any(Number), name: f.production.name },
      ],
    })
    const unknown = '00000000-0000-7000-8000-000000000000'
    expect((await call(getPlan, { path: '/plans/x', token: token.secret, params: { planId: unknown } })).status).toBe(
      404,
    )
    expect((await call(getPlan, { path: '/plans/x', token: token.secret, params: { planId: 'x' } })).status).toBe(404)
  })

  it('creates, leaves and updates a SQL step by name, with revisions and audit through the token', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['PLANS_WRITE'])
    const put = (body: unknown) =>
      call(putSqlStep, {
        path: `/plans/${f.planId}/phases/${phase.id}/sql-steps`,
        method: 'PUT',
        token: token.secret,
        body,
        params: { planId: f.planId, phaseId: phase.id },
      })
    const created = await put({ name: '002_add_index.sql', script: 'CREATE INDEX i ON t (id);' })
    expect(created.json).toMatchObject({
      outcome: 'created',
      step: { name: '002_add_index.sql', position: 1, revision: 1 },
    })
    const same = await put({ name: '002_add_index.sql', script: 'CREATE INDEX i ON t (id);' })
    expect(same.json).toMatchObject({ outcome: 'unchanged', step: { revision: 1 } })
    const changed = await put({
      name: '002_add_index.sql',
      script: 'CREATE INDEX i2 ON t (id);',
      rollbackScript: 'DROP INDEX i2;',
    })
    expect(changed.json).toMatchObject({ outcome: 'updated', step: { revision: 2 } })
    const stepId = (created.json.step as { id: string }).id
    const audit = await db.auditEvent.findMany({ where: { entityId: stepId }, orderBy: { id: 'asc' } })
    expect(audit.map((a) => [a.action, a.apiTokenId])).toEqual([
      ['step.create', token.id],
      ['step.update', token.id],
    ])
    const stakeholder = await tokenOf(f.stakeholder, ['PLANS_WRITE'])
    const refused = await call(putSqlStep, {
      path: '/x',
      method: 'PUT',
      token: stakeholder.secret,
      body: { name: 'x', script: 'SELECT 1;' },
      params: { planId: f.planId, phaseId: phase.id },
    })
    expect(refused.status).toBe(403)
  })

  it('refuses a body past 3 MB, and hidden characters in a script, before anything changes', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['PLANS_WRITE'])
    const put = (body: unknown) =>
      call(putSqlStep, {
        path: '/x',
        method: 'PUT',
        token: token.secret,
        body,
        params: { planId: f.planId, phaseId: phase.id },
      })
    const large = await put({ name: 'big.sql', script: `-- ${'x'.repeat(3 * 1024 * 1024)}` })
    expect(large.json).toMatchObject({ status: 413, type: 'https://lockstep.dev/problems/too-large' })
    const hidden = await put({ name: 'trojan.sql', script: 'SELECT 1; -- \u202e' })
    expect(hidden.json).toMatchObject({ status: 422, errors: { script: [expect.stringContaining('U+202E')] } })
    expect(await db.step.count({ where: { phaseId: phase.id } })).toBe(1)
  })

  it('requests a window, and previews a phase on an environment', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['PLANS_WRITE', 'READ'])
    const startsAt = new Date(Date.now() + 3_600_000).toISOString()
    const endsAt = new Date(Date.now() + 7_200_000).toISOString()
    const window = await call(postWindow, {
      path: `/plans/${f.planId}/windows`,
      method: 'POST',
      token: token.secret,
      body: { environmentId: f.production.id, phaseId: phase.id, startsAt, endsAt, reason: 'Release 4.2' },
      params: { planId: f.planId },
    })
    expect(window.status).toBe(201)
    expect(window.json).toMatchObject({ status: 'REQUESTED', startsAt, endsAt })
    const backwards = await call(postWindow, {
      path: `/plans/${f.planId}/windows`,
      method: 'POST',
      token: token.secret,
      body: { environmentId: f.production.id, startsAt: endsAt, endsAt: startsAt, reason: 'x' },
      params: { planId: f.planId },
    })
    expect(backwards.json).toMatchObject({ status: 422, errors: { endsAt: ['The end must be after the start.'] } })

    const preview = await call(getPreview, {
      path: `/plans/${f.planId}/phases/${phase.id}/preview?environmentId=${f.production.id}`,
      token: token.secret,
      params: { planId: f.planId, phaseId: phase.id },
    })
    expect(preview.status).toBe(200)
    expect(preview.json).toMatchObject({
      phaseId: phase.id,
      environment: { id: f.production.id, protected: true, window: { allowed: false } },
    })
  })

  it('answers an unknown validation as not found', async () => {
    const f = await fixture
    const token = await tokenOf(f.lead, ['READ'])
    const validationId = '00000000-0000-7000-8000-000000000001'
    const answer = await call(getValidation, { path: '/v', token: token.secret, params: { validationId } })
    expect(answer.json).toMatchObject({ status: 404, type: 'https://lockstep.dev/problems/not-found' })
  })

  it('refuses a token past its requests per minute with 429 and Retry-After', async () => {
    const f = await fixture
    const token = await tokenOf(f.lead, ['READ'])
    await db.apiRateWindow.create({ data: { tokenId: token.id, windowStartedAt: new Date(), requests: 120 } })
    const answer = await call(me, { path: '/me', token: token.secret })
    expect(answer.status).toBe(429)
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(answer.json.type).toBe('https://lockstep.dev/problems/rate-limited')
    await db.apiRateWindow.update({
      where: { tokenId: token.id },
      data: { windowStartedAt: new Date(Date.now() - 61_000) },
    })
    expect((await call(me, { path: '/me', token: token.secret })).status).toBe(200)
  })

  it('serves the OpenAPI document without a token', async () => {
    const answer = await call(openapi, { path: '/openapi.json' })
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      openapi: '3.1.0',
      components: { securitySchemes: { bearer: { scheme: 'bearer' } } },
    })
  })
})
