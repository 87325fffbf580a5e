import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { exportEnv } from '@/lib/env'
import { WEBHOOK_EVENTS } from '@/lib/domain/webhooks'
import { createFreshDatabase } from '@/lib/testing/fresh-database'
import { closedPort, startReceiver, type Answer, type Received } from '@/lib/testing/webhook-receiver'

// Delivery against real HTTP receivers this file starts, on a database of its own so that the outbox and the
// run queue hold only this file's rows. Time is passed in (`now`): a retry is reached without waiting for it.

const appUrl = await createFreshDatabase('hooks_app', { migrate: true })
exportEnv({ DATABASE_URL: appUrl, LOCKSTEP_PUBLIC_URL: 'https://lockstep.example.com/' })
const api = await import('@/lib/testing/engine-api')
const { db, makeUser } = api
const { createWebhook, setWebhookActive } = await import('@/lib/server/webhooks/commands')
const { sendTestEvent } = await import('@/lib/server/webhooks/delivery-commands')
const { ZCreateWebhook } = await import('@/lib/server/webhooks/schemas')
const { deliverDue } = await import('./webhooks')
const { claimRun, executeRun } = await import('./runs')
const { environmentWithTarget } = await import('@/lib/testing/plan-setup')

const receivers: { close: () => Promise<void> }[] = []
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()))
  await db.$disconnect()
})

// Each test's webhooks listen to every event: paused after it, they do not receive the next test's.
afterEach(async () => {
  await db.webhook.updateMany({ data: { isActive: false } })
})

async function receiver(answer?: (n: number) => Answer) {
  const r = await startReceiver(answer)
  receivers.push(r)
  return r
}

async function hook(url: string, over: Record<string, unknown> = {}) {
  const admin = await makeUser('ADMIN')
  const fields = ZCreateWebhook.parse({
    name: `hook-${randomUUID().slice(0, 8)}`,
    url,
    events: [...WEBHOOK_EVENTS],
    ...over,
  })
  return { admin, ...(await createWebhook(admin, fields)) }
}

const attemptsOf = (deliveryId: string) => db.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { id: 'asc' } })

const verified = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  })

describe('webhook delivery', () => {
  it('posts the payload signed as Standard Webhooks says, verifiable with the secret shown at creation', async () => {
    const r = await receiver()
    const { admin, id, secret } = await hook(r.url)
    const test = await sendTestEvent(admin, id)
    expect(await deliverDue()).toEqual([{ id: test.id, status: 'DELIVERED' }])
    const [got] = r.received
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Lockstep-Webhooks',
      'webhook-id': test.id,
    })
    expect(verified(secret, got as Received)).toMatchObject({
      type: 'webhook.test',
      data: { webhook: { id, url: `https://lockstep.example.com/admin/webhooks/${id}` } },
    })
    // The same check with node:crypto alone, as the README shows it.
    const signed = `${got?.headers['webhook-id']}.${got?.headers['webhook-timestamp']}.${got?.body}`
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(signed)
      .digest()
    const given = Buffer.from(
      String(got?.headers['webhook-signature']).split(' ')[0]?.replace(/^v1,/, '') ?? '',
      'base64',
    )
    expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true)
    // Another secret does not verify it.
    expect(() => verified(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, got as Received)).toThrow()
    expect(await attemptsOf(test.id)).toMatchObject([{ statusCode: 200, responseBody: 'ok', error: null }])
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: test.id } })).toMatchObject({
      status: 'DELIVERED',
      attempts: 1,
    })
  })

  it('keeps a failed attempt, waits the backoff, and delivers on the next answer that is 2xx', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 500, body: `boom ${'x'.repeat(3000)}` } : { status: 204 }))
    const { admin, id } = await hook(r.url)
    const test = await sendTestEvent(admin, id)
    const t0 = new Date(Date.now() + 1_000)
    expect(await deliverDue({ now: () => t0 })).toEqual([{ id: test.id, status: 'PENDING' }])
    const waiting = await db.webhookDelivery.findUniqueOrThrow({ where: { id: test.id } })
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1 })
    expect(waiting.nextAttemptAt.getTime() - t0.getTime()).toBe(30_000)
    // Not due yet: nothing is sent.
    expect(await deliverDue({ now: () => new Date(t0.getTime() + 29_000) })).toEqual([])
    expect(await deliverDue({ now: () => new Date(t0.getTime() + 30_000) })).toEqual([
      { id: test.id, status: 'DELIVERED' },
    ])
    const attempts = await attemptsOf(test.id)
    expect(attempts.map((a) => [a.statusCode, a.responseBody?.length, a.error])).toEqual([
      [500, 2000, null],
      [204, 0, null],
    ])
    expect(attempts[0]?.responseBody?.startsWith('boom x')).toBe(true)
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([test.id, test.id])
  })

  it('records a refused connection, a timeout and a redirect as attempts with their reason, and fails after the last retry', async () => {
    const refused = await hook(`http://127.0.0.1:${await closedPort()}/hook`)
    const a = await sendTestEvent(refused.admin, refused.id)
    await deliverDue()
    expect((await attemptsOf(a.id))[0]).toMatchObject({
      statusCode: null,
      error: expect.stringContaining('ECONNREFUSED'),
    })

    const silent = await receiver(() => 'hang')
    const slow = await hook(silent.url)
    const b = await sendTestEvent(slow.admin, slow.id)
    await deliverDue({ timeoutMs: 300 })
    expect((await attemptsOf(b.id))[0]).toMatchObject({
      statusCode: null,
      error: 'No answer within 0.3 s (timed out).',
    })

    const moved = await receiver(() => ({ status: 302 }))
    const m = await hook(moved.url)
    const c = await sendTestEvent(m.admin, m.id)
    // The last retry: five failed attempts before this one.
    await db.webhookDelivery.update({ where: { id: c.id }, data: { attempts: 5 } })
    expect(await deliverDue()).toEqual([{ id: c.id, status: 'FAILED' }])
    expect((await attemptsOf(c.id))[0]).toMatchObject({
      statusCode: 302,
      error: expect.stringMatching(/redirects are not followed/),
    })
    expect(moved.received).toHaveLength(1)
  })

  it('sends Slack a message with a link, and holds what waits for a paused webhook until it resumes', async () => {
    const r = await receiver()
    const { admin, id, secret } = await hook(r.url, { format: 'SLACK' })
    const test = await sendTestEvent(admin, id)
    await setWebhookActive(admin, id, false)
    expect(await deliverDue()).toEqual([])
    await setWebhookActive(admin, id, true)
    expect(await deliverDue()).toEqual([{ id: test.id, status: 'DELIVERED' }])
    expect(verified(secret, r.received[0] as Received)).toEqual({
      text: 'Test event from Lockstep: this webhook is reachable.',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `*Test event from Lockstep: this webhook is reachable.*\n<https://lockstep.example.com/admin/webhooks/${id}|Open in Lockstep>`,
          },
        },
      ],
    })
  })

  it('tells of runs from the real worker path: started once, waiting at its gate, failed; another succeeded', async () => {
    const r = await receiver()
    const { secret } = await hook(r.url, {
      events: ['RUN_STARTED', 'RUN_WAITING_AT_GATE', 'RUN_FAILED', 'RUN_SUCCEEDED'],
    })
    const lead = await makeUser('LEAD')
    const admin = await makeUser('ADMIN')
    const { environmentId, connectionId } = await environmentWithTarget(admin, 'hooks')
    const { id: planId } = await api.createPlan(lead, api.ZCreatePlan.parse({ title: 'Hooked plan' }))
    await api.setPlanEnvironment(lead, {
      planId,
      environmentId,
      sourceConnectionId: null,
      targetConnectionId: connectionId,
    })
    const { id: phaseId } = await api.addPhase(lead, api.ZAddPhase.parse({ planId, name: 'Schema' }))
    await api.addManualStep(lead, api.ZAddManualStep.parse({ phaseId, name: 'Announce the change' }))
    await api.addSqlStep(lead, api.ZAddSqlStep.parse({ phaseId, name: 'Break', body: 'SELECT * FROM no_such_table;' }))
    const { id: runId } = await api.startRun(lead, { planId, phaseId, environmentId, dryRun: false })

    expect(await claimRun('hooks-worker')).toBe(runId)
    expect(await executeRun(runId)).toBe('WAITING')
    await api.releaseGate(lead, runId)
    expect(await claimRun('hooks-worker')).toBe(runId)
    expect(await executeRun(runId)).toBe('FAILED')

    const sent = await deliverDue()
    expect(sent.map((s) => s.status)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED'])
    const payloads = r.received.map((got) => verified(secret, got) as { type: string; data: Record<string, unknown> })
    expect(payloads.map((p) => p.type)).toEqual(['run.started', 'run.waiting', 'run.failed'])
    expect(payloads[1]?.data.step).toMatchObject({ name: 'Announce the change', kind: 'MANUAL', status: 'WAITING' })
    expect(payloads[2]?.data).toMatchObject({
      plan: { id: planId, title: 'Hooked plan' },
      phase: { id: phaseId, name: 'Schema' },
      environment: { id: environmentId },
      run: { id: runId, status: 'FAILED', url: `https://lockstep.example.com/runs/${runId}` },
      step: { name: 'Break', status: 'FAILED' },
    })
    // The database's message stays in Lockstep: it can quote the rows it refused.
    expect(JSON.stringify(payloads)).not.toContain('no_such_table')

    const { id: goodPhaseId } = await api.addPhase(lead, api.ZAddPhase.parse({ planId, name: 'Tables' }))
    await api.addSqlStep(
      lead,
      api.ZAddSqlStep.parse({ phaseId: goodPhaseId, name: 'Create', body: 'CREATE TABLE hooked (id int);' }),
    )
    const { id: goodRunId } = await api.startRun(lead, { planId, phaseId: goodPhaseId, environmentId, dryRun: false })
    expect(await claimRun('hooks-worker')).toBe(goodRunId)
    expect(await executeRun(goodRunId)).toBe('SUCCEEDED')
    await deliverDue()
    const after = r.received
      .slice(3)
      .map((got) => verified(secret, got) as { type: string; data: Record<string, unknown> })
    expect(after.map((p) => p.type)).toEqual(['run.started', 'run.succeeded'])
    expect(after[1]?.data).toMatchObject({
      phase: { id: goodPhaseId, name: 'Tables' },
      run: { id: goodRunId, status: 'SUCCEEDED' },
    })
  })
})
