import { describe, expect, it } from 'vitest'
import { POST as postRun } from '@/app/api/v1/runs/route'
import { GET as getRun } from '@/app/api/v1/runs/[runId]/route'
import { GET as getEvents } from '@/app/api/v1/runs/[runId]/events/route'
import { db } from '@/lib/db'
import { apiFixture } from '@/lib/testing/api-fixture'
import { call, tokenOf } from '@/lib/testing/api-tokens'
import { openWindowNow } from '@/lib/testing/plan-setup'
import { makeUser } from '@/lib/testing/factories'

// Starting runs through /api/v1: the token's scope, its owner's role, protected environments' windows, audit
// rows naming the token, and Idempotency-Key retries (concurrent ones included).

const fixture = apiFixture('api_runs')
const start = (token: string, body: unknown, headers?: Record<string, string>) =>
  call(postRun, { path: '/runs', method: 'POST', token, body, headers })

describe('POST /api/v1/runs', () => {
  it('refuses a read token, naming the scope', async () => {
    const f = await fixture
    const phase = await f.phase()
    const read = await tokenOf(f.lead, ['READ'])
    const answer = await start(read.secret, { planId: f.planId, phaseId: phase.id, environmentId: f.staging.id })
    expect(answer.status).toBe(403)
    expect(answer.headers.get('content-type')).toBe('application/problem+json')
    expect(answer.json).toEqual({
      type: 'https://lockstep.dev/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'This token lacks the scope “runs:start”.',
    })
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('refuses a stakeholder’s runs:start token: a token never does more than its owner', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.stakeholder, ['RUNS_START'])
    const answer = await start(token.secret, { planId: f.planId, phaseId: phase.id, environmentId: f.staging.id })
    expect(answer.status).toBe(403)
    expect(await db.run.count({ where: { phaseId: phase.id } })).toBe(0)
  })

  it('starts a run on an open environment, audited as the owner with the token', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['RUNS_START', 'READ'])
    const answer = await start(token.secret, { planId: f.planId, phaseId: phase.id, environmentId: f.staging.id })
    expect(answer.status).toBe(201)
    expect(answer.json).toMatchObject({ status: 'QUEUED', url: `http://lockstep.test/runs/${answer.json.id}` })
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { entityId: String(answer.json.id), action: 'run.start' },
    })
    expect(audit).toMatchObject({ actorId: f.lead.id, apiTokenId: token.id })

    const runId = String(answer.json.id)
    const read = await call(getRun, { path: `/runs/${runId}`, token: token.secret, params: { runId } })
    expect(read.status).toBe(200)
    expect(read.json).toMatchObject({
      id: runId,
      planId: f.planId,
      phaseId: phase.id,
      environmentId: f.staging.id,
      status: 'QUEUED',
      dryRun: false,
      steps: [{ name: 'Create t', kind: 'SQL', status: 'PENDING' }],
    })
    const events = await call(getEvents, { path: `/runs/${runId}/events`, token: token.secret, params: { runId } })
    expect(events.json).toMatchObject({ items: [{ level: 'info', message: expect.stringContaining('queued by') }] })
    const last = (events.json.items as { id: string }[])[0]?.id
    const after = await call(getEvents, {
      path: `/runs/${runId}/events?after=${last}`,
      token: token.secret,
      params: { runId },
    })
    expect(after.json).toEqual({ items: [], nextCursor: null })
    const uses = await db.apiTokenUse.findMany({ where: { tokenId: token.id }, orderBy: { id: 'asc' } })
    expect(uses.map((u) => [u.method, u.status])).toEqual([
      ['POST', 201],
      ['GET', 200],
      ['GET', 200],
      ['GET', 200],
    ])
  })

  it('keeps a lead’s token off a protected environment, and a DBA’s without an approved window', async () => {
    const f = await fixture
    const phase = await f.phase()
    const body = { planId: f.planId, phaseId: phase.id, environmentId: f.production.id, dryRun: true }
    const lead = await start((await tokenOf(f.lead, ['RUNS_START'])).secret, body)
    expect(lead.status).toBe(403)
    expect(lead.json.detail).toBe(`Only a DBA can start runs on the protected environment “${f.production.name}”.`)

    const dbaToken = await tokenOf(f.dba, ['RUNS_START'])
    const refused = await start(dbaToken.secret, body)
    expect(refused.status).toBe(409)
    expect(refused.json.type).toBe('https://lockstep.dev/problems/conflict')
    expect(String(refused.json.detail)).toMatch(/window/i)

    await openWindowNow(f.lead, f.approver, {
      environmentId: f.production.id,
      environmentName: f.production.name,
      planId: f.planId,
    })
    const allowed = await start(dbaToken.secret, body)
    expect(allowed.status).toBe(201)
  })

  it('refuses a protected start to a token created without a fresh code (its owner became a DBA since)', async () => {
    const f = await fixture
    const phase = await f.phase()
    const promoted = await makeUser('LEAD')
    await db.user.update({ where: { id: promoted.id }, data: { secondFactorAt: null } })
    const token = await tokenOf(promoted, ['RUNS_START'])
    await db.user.update({ where: { id: promoted.id }, data: { role: 'DBA', totpEnabledAt: new Date() } })
    await openWindowNow(f.lead, f.approver, {
      environmentId: f.production.id,
      environmentName: f.production.name,
      planId: f.planId,
    })
    const answer = await start(token.secret, {
      planId: f.planId,
      phaseId: phase.id,
      environmentId: f.production.id,
      dryRun: true,
    })
    expect(answer.status).toBe(403)
    expect(answer.json.detail).toMatch(/not created right after a code/)
  })

  it('answers a retry with the same key with the same run, and refuses the key with another body', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['RUNS_START'])
    const body = { planId: f.planId, phaseId: phase.id, environmentId: f.staging.id }
    const first = await start(token.secret, body, { 'Idempotency-Key': 'deploy-42' })
    const again = await start(token.secret, body, { 'Idempotency-Key': 'deploy-42' })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.json).toEqual(first.json)
    const other = await start(token.secret, { ...body, dryRun: true }, { 'Idempotency-Key': 'deploy-42' })
    expect(other.status).toBe(422)
    expect(other.json.type).toBe('https://lockstep.dev/problems/idempotency-mismatch')
    expect(await db.run.count({ where: { phaseId: phase.id } })).toBe(1)
  })

  it('queues one run for two requests sent at once with one key', async () => {
    const f = await fixture
    const phase = await f.phase()
    const token = await tokenOf(f.lead, ['RUNS_START'])
    const body = { planId: f.planId, phaseId: phase.id, environmentId: f.staging.id }
    const answers = await Promise.all([1, 2, 3].map(() => start(token.secret, body, { 'Idempotency-Key': 'same-key' })))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201])
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1)
    expect(await db.run.count({ where: { phaseId: phase.id } })).toBe(1)
  })

  it('refuses a body that is not valid, naming the fields', async () => {
    const f = await fixture
    const token = await tokenOf(f.lead, ['RUNS_START'])
    const answer = await start(token.secret, { planId: 'nope', dryRun: 'yes' })
    expect(answer.status).toBe(422)
    expect(Object.keys(answer.json.errors as object).sort()).toEqual(['dryRun', 'environmentId', 'phaseId', 'planId'])
    const notJson = await start(token.secret, '{')
    expect(notJson.json).toMatchObject({ status: 422, detail: 'The body is not JSON.' })
  })
})
