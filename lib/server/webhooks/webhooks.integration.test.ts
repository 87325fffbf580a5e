import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { WEBHOOK_EVENTS } from '@/lib/domain/webhooks'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { createEnvironment } from '@/lib/server/connections/commands'
import { finishDriftCheck } from '@/lib/server/drift/record'
import { finishValidation } from '@/lib/server/validations/record'
import { environmentWithTarget } from '@/lib/testing/plan-setup'
import { requestWindow, rejectWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { createWebhook, deleteWebhook, rotateWebhookSecret, setWebhookActive, updateWebhook } from './commands'
import { redeliver, sendTestEvent } from './delivery-commands'
import { emit } from './emit'
import { getWebhook, listWebhooks } from './queries'
import { ZCreateWebhook } from './schemas'
import { openSecret } from './secret'

// The data layer of outbound webhooks against the shared test database. Other files' events may reach this
// file's webhooks while it runs, so each assertion looks for its own plan's deliveries.

const fields = (over: Record<string, unknown> = {}) =>
  ZCreateWebhook.parse({
    name: `hook-${randomUUID().slice(0, 8)}`,
    url: 'https://hooks.example.com/in',
    events: [...WEBHOOK_EVENTS],
    ...over,
  })

async function windowRequest() {
  const lead = await makeUser('LEAD')
  const { id: environmentId } = await createEnvironment(await makeUser('DBA'), {
    name: `env-${randomUUID().slice(0, 8)}`,
    description: '',
    protected: false,
  })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Hooks ${randomUUID().slice(0, 8)}` }))
  const input = ZRequestWindow.parse({
    environmentId,
    planId,
    reason: 'Nightly change',
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  })
  return { lead, planId, request: () => requestWindow(lead, input) }
}

const deliveriesFor = async (webhookId: string, planId: string) =>
  (await db.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: 'asc' } })).filter(
    (d) => (d.payload as { data?: { plan?: { id?: string } } }).data?.plan?.id === planId,
  )

describe('webhooks', () => {
  it('only an admin registers, changes, pauses, rotates and deletes them; each change is audited, the secret never', async () => {
    for (const role of ['LEAD', 'DBA', 'STAKEHOLDER'] as const) {
      const someone = await makeUser(role)
      await expect(createWebhook(someone, fields())).rejects.toThrow('You do not have permission')
      await expect(listWebhooks(someone)).rejects.toThrow('You do not have permission')
    }
    const admin = await makeUser('ADMIN')
    const { id, secret } = await createWebhook(admin, fields({ name: 'Chat' }))
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const row = await db.webhook.findUniqueOrThrow({ where: { id } })
    expect(Buffer.from(row.secret).toString('latin1')).not.toContain(secret.slice(6))
    expect(openSecret(id, row.secret)).toBe(secret)
    const dba = await makeUser('DBA')
    await expect(setWebhookActive(dba, id, false)).rejects.toThrow('You do not have permission')
    await expect(rotateWebhookSecret(dba, id)).rejects.toThrow('You do not have permission')
    await expect(sendTestEvent(dba, id)).rejects.toThrow('You do not have permission')
    await expect(getWebhook(dba, id)).rejects.toThrow('You do not have permission')

    await updateWebhook(admin, { webhookId: id, name: 'Chat', url: null, events: ['RUN_FAILED'], format: 'SLACK' })
    expect(await db.webhook.findUniqueOrThrow({ where: { id } })).toMatchObject({
      url: 'https://hooks.example.com/in',
      events: ['RUN_FAILED'],
      format: 'SLACK',
    })
    const rotated = await rotateWebhookSecret(admin, id)
    expect(rotated.secret).not.toBe(secret)
    await setWebhookActive(admin, id, false)
    await expect(getWebhook(admin, randomUUID())).rejects.toThrow('Webhook not found.')
    await expect(deleteWebhook(admin, id, 'chat')).rejects.toThrow('Please correct the highlighted fields.')
    await deleteWebhook(admin, id, 'Chat')
    expect(await db.webhook.findUnique({ where: { id } })).toBeNull()
    const audit = await auditEventsFor(id)
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.create',
      'webhook.update',
      'webhook.rotateSecret',
      'webhook.pause',
      'webhook.delete',
    ])
    const logged = JSON.stringify(audit.map((a) => [a.before, a.after]))
    expect(logged).not.toContain(secret.slice(6, 20))
    expect(logged).not.toContain(rotated.secret.slice(6, 20))
  })

  it('refuses a URL that is not http(s) or carries a password, and a webhook without events, naming the field', () => {
    const issues = (over: Record<string, unknown>) =>
      ZCreateWebhook.safeParse({
        name: 'x',
        url: 'https://a.example',
        events: ['RUN_FAILED'],
        ...over,
      }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    expect(issues({ url: 'ftp://files.example.com/in' })?.[0]).toMatch(/^url: Use an https:\/\/ \(or http:\/\/\) URL/)
    expect(issues({ url: 'https://user:pw@a.example/in' })?.[0]).toMatch(/^url: Leave the user name and password out/)
    expect(issues({ url: 'hooks.example.com' })?.[0]).toMatch(/^url: Enter a full URL/)
    expect(issues({ events: [] })?.[0]).toBe('events: Choose at least one event.')
    // A form sends one checkbox per event.
    const parsed = ZCreateWebhook.parse({
      name: 'x',
      url: 'http://10.0.0.5:8080/hook',
      'event:RUN_FAILED': 'on',
      'event:DRIFT_FOUND': 'on',
    })
    expect(parsed.events).toEqual(['RUN_FAILED', 'DRIFT_FOUND'])
  })

  it('writes a delivery in the transaction of the change: a requested window is one, a rolled-back change none', async () => {
    const admin = await makeUser('ADMIN')
    const subscribed = await createWebhook(admin, fields({ events: ['WINDOW_REQUESTED'] }))
    const other = await createWebhook(admin, fields({ events: ['RUN_FAILED'] }))
    const paused = await createWebhook(admin, fields({ events: ['WINDOW_REQUESTED'] }))
    await setWebhookActive(admin, paused.id, false)
    const { planId, request } = await windowRequest()
    const { id: windowId } = await request()
    const [delivery, ...more] = await deliveriesFor(subscribed.id, planId)
    expect(more).toEqual([])
    expect(delivery).toMatchObject({ event: 'WINDOW_REQUESTED', status: 'PENDING', attempts: 0 })
    expect(delivery?.payload).toMatchObject({
      type: 'window.requested',
      data: {
        plan: { id: planId },
        window: { id: windowId, status: 'REQUESTED', reason: 'Nightly change', url: 'http://localhost:3000/windows' },
      },
    })
    expect(await deliveriesFor(other.id, planId)).toEqual([])
    expect(await deliveriesFor(paused.id, planId)).toEqual([])

    // The same write, rolled back after emitting: no delivery survives it.
    await expect(
      db.$transaction(async (tx) => {
        await emit(tx, 'WINDOW_REQUESTED', { plan: { id: planId, title: 'rolled back' } })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect(await deliveriesFor(subscribed.id, planId)).toHaveLength(1)
  })

  it('tells a decision, sends a test event to one webhook only, and sends a failed delivery again', async () => {
    const admin = await makeUser('ADMIN')
    const hook = await createWebhook(admin, fields({ events: ['WINDOW_DECIDED'] }))
    const { planId, request } = await windowRequest()
    const { id: windowId } = await request()
    const dba = await makeUser('DBA')
    await rejectWindow(dba, { windowId, note: 'Not during the sale' })
    const [decided] = await deliveriesFor(hook.id, planId)
    expect(decided?.payload).toMatchObject({
      type: 'window.decided',
      data: { window: { status: 'REJECTED', decidedBy: 'Test DBA', note: 'Not during the sale' } },
    })
    const test = await sendTestEvent(admin, hook.id)
    const sent = await db.webhookDelivery.findUniqueOrThrow({ where: { id: test.id } })
    expect(sent).toMatchObject({ webhookId: hook.id, status: 'PENDING' })
    expect(sent.payload).toMatchObject({ type: 'webhook.test' })
    await expect(redeliver(admin, test.id)).rejects.toThrow('only a failed one can be sent again')
    await db.webhookDelivery.update({ where: { id: test.id }, data: { status: 'FAILED', attempts: 6 } })
    await redeliver(admin, test.id)
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: test.id } })).toMatchObject({
      status: 'PENDING',
      attempts: 0,
    })
    const { webhook, deliveries } = await getWebhook(admin, hook.id)
    expect(webhook.lastDelivery?.type).toBe('webhook.test')
    expect(deliveries.map((d) => d.type)).toContain('window.decided')
    await setWebhookActive(admin, hook.id, false)
    await expect(sendTestEvent(admin, hook.id)).rejects.toThrow('This webhook is paused')
  })

  it('tells of drift once per new difference, naming the changed objects but not their definitions', async () => {
    const admin = await makeUser('ADMIN')
    const hook = await createWebhook(admin, fields({ events: ['DRIFT_FOUND'] }))
    const { connectionId } = await environmentWithTarget(admin, 'hooks-drift')
    const report = {
      objects: [
        {
          object: 'column public.orders.note',
          kind: 'added' as const,
          recorded: null,
          live: 'text secret-default',
          ddl: 'ALTER TABLE …',
        },
      ],
      recordedObjects: 3,
      liveObjects: 4,
    }
    const check = () =>
      finishDriftCheck({ id: null, connectionId, trigger: 'PERIODIC' }, { status: 'DRIFTED', recordId: null, report })
    const { id: checkId } = await check()
    await check() // the same drift again: already told
    const told = (await db.webhookDelivery.findMany({ where: { webhookId: hook.id } })).filter(
      (d) => (d.payload as { data?: { connection?: { id?: string } } }).data?.connection?.id === connectionId,
    )
    expect(told).toHaveLength(1)
    expect(told[0]?.payload).toMatchObject({
      type: 'drift.found',
      data: {
        connection: { id: connectionId, name: 'target' },
        drift: {
          checkId,
          objects: 1,
          changes: [{ object: 'column public.orders.note', kind: 'added' }],
          url: `http://localhost:3000/connections/${connectionId}/drift`,
        },
      },
    })
    expect(JSON.stringify(told[0]?.payload)).not.toContain('secret-default')
  })

  it('tells of a failed validation with counts and table names, never the differing rows', async () => {
    const admin = await makeUser('ADMIN')
    const hook = await createWebhook(admin, fields({ events: ['VALIDATION_FAILED'] }))
    const { environmentId } = await environmentWithTarget(admin, 'hooks-validation')
    const { id: planId } = await createPlan(await makeUser('LEAD'), ZCreatePlan.parse({ title: 'Validated plan' }))
    // Raw: a validation the worker is running, to be ended as the worker ends it.
    const validation = await db.validation.create({
      data: { planId, environmentId, status: 'RUNNING', tables: ['orders'], startedAt: new Date() },
    })
    const table = {
      table: 'orders',
      state: 'MISMATCHED' as const,
      sourceRows: 2,
      targetRows: 1,
      method: 'key-ranges' as const,
      missing: 1,
      extra: 0,
      changed: 0,
      samples: [
        {
          kind: 'missing' as const,
          key: 'id=7',
          columns: [{ column: 'email', source: 'ada@example.com', target: null }],
        },
      ],
      suspended: false,
      compared: 2,
      notes: [],
      seconds: 1,
    }
    await finishValidation(validation.id, {
      report: {
        status: 'FAILED',
        source: 'source',
        target: 'target',
        tables: [table],
        integrity: [],
        integrityChecked: 0,
        rules: [],
        warnings: [],
        seconds: 1,
      },
    })
    const [told, ...more] = await deliveriesFor(hook.id, planId)
    expect(more).toEqual([])
    expect(told?.payload).toMatchObject({
      type: 'validation.failed',
      data: {
        plan: { id: planId, title: 'Validated plan' },
        environment: { id: environmentId },
        validation: {
          id: validation.id,
          status: 'FAILED',
          tables: 1,
          differingTables: [{ table: 'orders', missing: 1, extra: 0, changed: 0 }],
          url: `http://localhost:3000/plans/${planId}/validation`,
        },
      },
    })
    expect(JSON.stringify(told?.payload)).not.toContain('ada@example.com')
  })
})
