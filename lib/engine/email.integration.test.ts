import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import type { UserActor } from '@/lib/server/actor'
import { createEnvironment } from '@/lib/server/connections/commands'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import { setEmailPreferences } from '@/lib/server/notifications/preferences'
import { ZEmailPreferences } from '@/lib/server/notifications/schemas'
import { createPlan } from '@/lib/server/plans/plan-commands'
import { ZCreatePlan } from '@/lib/server/plans/schemas'
import { requestWindow } from '@/lib/server/windows/commands'
import { ZRequestWindow } from '@/lib/server/windows/schemas'
import { makeUser } from '@/lib/testing/factories'
import { startSmtpServer, unusedPort, type TestSmtpServer } from '@/lib/testing/smtp-server'
import { createEmailSender, EMAIL_RETRY_DELAYS_MS, MAX_EMAIL_ATTEMPTS, sendDueEmails } from './email'
import { createMailer, type Mailer } from './email-transport'

// Notices leave Lockstep by email through a real SMTP server started here: a window request notifies the
// approvers, the outbox holds an email for each who chose that kind, and the worker's sender delivers it.

const PUBLIC_URL = 'https://lockstep.example.com'
const FROM = 'Lockstep <lockstep@test.lockstep>'
const MINUTE = 60_000
let restoreEnv: () => void
let server: TestSmtpServer
const opened: { close: () => unknown }[] = []

beforeAll(async () => {
  server = await startSmtpServer()
  restoreEnv = exportEnv({ SMTP_URL: server.url(), EMAIL_FROM: FROM, LOCKSTEP_PUBLIC_URL: PUBLIC_URL })
})
// The people who chose email stop being approvers, so a later test's request does not mail them too.
const optedIn: string[] = []
afterEach(async () => {
  await db.user.updateMany({ where: { id: { in: optedIn.splice(0) } }, data: { isActive: false } })
})
afterAll(async () => {
  for (const o of opened) o.close()
  await server.close()
  restoreEnv()
})

const mailerFor = (url: string): Mailer => {
  const mailer = createMailer(url, FROM)
  opened.push(mailer)
  return mailer
}

async function emailMe(actor: UserActor, ...kinds: NotificationKind[]) {
  // As the form sends it: a ticked box is "on", an unticked one absent.
  await setEmailPreferences(actor, ZEmailPreferences.parse(Object.fromEntries(kinds.map((k) => [k, 'on']))))
  optedIn.push(actor.id)
}

/** A lead's window request on a fresh environment: every active DBA and admin is told (the real flow). */
async function requestAWindow() {
  const lead = await makeUser('LEAD')
  const name = `mail-${randomUUID().slice(0, 8)}`
  const { id: environmentId } = await createEnvironment(await makeUser('ADMIN'), {
    name,
    description: '',
    protected: false,
  })
  const { id: planId } = await createPlan(lead, ZCreatePlan.parse({ title: `Emailed ${name}` }))
  const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
  await requestWindow(
    lead,
    ZRequestWindow.parse({ environmentId, planId, startsAt: soon(2), endsAt: soon(4), reason: 'Reindex orders' }),
  )
  return { name }
}

const deliveriesOf = (user: UserActor) => db.emailDelivery.findMany({ where: { userId: user.id } })

describe('emails of notices', () => {
  it('reach the approver who chose that kind, with the notice’s title and a link to it; nobody else gets one', async () => {
    const chose = await makeUser('DBA')
    const choseOtherKind = await makeUser('DBA')
    const didNotChoose = await makeUser('DBA')
    await emailMe(chose, 'WINDOW_AWAITING_APPROVAL', 'RUN_FAILED')
    await emailMe(choseOtherKind, 'RUN_FAILED')
    const { name } = await requestAWindow()

    const [queued] = await deliveriesOf(chose)
    expect(queued).toMatchObject({ status: 'PENDING', to: chose.email, kind: 'WINDOW_AWAITING_APPROVAL' })
    const notice = await db.notification.findFirstOrThrow({ where: { userId: chose.id } })
    expect(queued?.notificationId).toBe(notice.id)
    expect(await deliveriesOf(choseOtherKind)).toEqual([])
    expect(await deliveriesOf(didNotChoose)).toEqual([])
    expect(await db.notification.count({ where: { userId: didNotChoose.id } })).toBe(1) // the bell still has it

    const now = new Date()
    const outcomes = await sendDueEmails(mailerFor(server.url()), { now })
    expect(outcomes).toContainEqual({ id: queued?.id, status: 'DELIVERED' })
    const [mail, ...more] = server.to(chose.email)
    expect(more).toEqual([])
    expect(mail?.subject).toBe(`Window on ${name} awaits your approval`)
    expect(mail?.from?.value).toEqual([{ name: 'Lockstep', address: 'lockstep@test.lockstep' }])
    expect(mail?.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail?.text).toContain(`Emailed ${name}: `)
    expect(mail?.text).toContain('Reindex orders')
    expect(mail?.text).toContain(`Open it in Lockstep: ${PUBLIC_URL}/windows`)
    expect(mail?.text).toContain(`untick it under Email on ${PUBLIC_URL}/notifications`)
    expect(server.to(choseOtherKind.email)).toEqual([])
    expect(server.to(didNotChoose.email)).toEqual([])

    const [sent] = await deliveriesOf(chose)
    expect(sent).toMatchObject({ status: 'DELIVERED', attempts: 1, sentAt: now, lastError: null })
    expect(sent?.messageId).toBe(mail?.messageId)
    // Sent once: the next pass has nothing of it to send.
    expect((await sendDueEmails(mailerFor(server.url()))).map((o) => o.id)).not.toContain(sent?.id)
  })

  it('a recipient refused for good (5xx) fails at once; one refused for now (4xx) is retried with backoff, then given up', async () => {
    const refusedForGood = await startSmtpServer({ refuseRecipients: { code: 550, message: 'No such mailbox' } })
    const refusedForNow = await startSmtpServer({ refuseRecipients: { code: 451, message: 'Try again later' } })
    opened.push({ close: () => void refusedForGood.close() }, { close: () => void refusedForNow.close() })
    const dba = await makeUser('DBA')
    await emailMe(dba, 'WINDOW_AWAITING_APPROVAL')

    await requestAWindow()
    let [delivery] = await deliveriesOf(dba)
    await sendDueEmails(mailerFor(refusedForGood.url()), { now: new Date() })
    expect(await db.emailDelivery.findUniqueOrThrow({ where: { id: delivery?.id } })).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: expect.stringContaining('550 No such mailbox'),
    })

    await requestAWindow()
    ;[, delivery] = await db.emailDelivery.findMany({ where: { userId: dba.id }, orderBy: { createdAt: 'asc' } })
    const id = delivery?.id ?? ''
    let now = new Date()
    const mailer = mailerFor(refusedForNow.url())
    for (const [attempt, delay] of EMAIL_RETRY_DELAYS_MS.entries()) {
      await sendDueEmails(mailer, { now })
      const row = await db.emailDelivery.findUniqueOrThrow({ where: { id } })
      expect(row).toMatchObject({ status: 'PENDING', attempts: attempt + 1, lastError: expect.stringContaining('451') })
      expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(delay)
      // Not due a moment before its time.
      expect(
        (await sendDueEmails(mailer, { now: new Date(row.nextAttemptAt.getTime() - 1) })).map((o) => o.id),
      ).not.toContain(id)
      now = row.nextAttemptAt
    }
    await sendDueEmails(mailer, { now })
    expect(await db.emailDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'FAILED',
      attempts: MAX_EMAIL_ATTEMPTS,
      sentAt: null,
    })
    expect(refusedForNow.received).toEqual([])
  })

  it('a server that refuses the connection is tried again later, and the retry delivers once it listens', async () => {
    const port = await unusedPort()
    const dba = await makeUser('DBA')
    await emailMe(dba, 'WINDOW_AWAITING_APPROVAL')
    await requestAWindow()
    const now = new Date()
    await sendDueEmails(mailerFor(`smtp://lockstep:smtp%20password%207f3a@127.0.0.1:${port}`), { now })
    const [failed] = await deliveriesOf(dba)
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) })
    expect(failed?.nextAttemptAt).toEqual(new Date(now.getTime() + MINUTE))

    const listening = await startSmtpServer({ port })
    opened.push({ close: () => void listening.close() })
    await sendDueEmails(mailerFor(listening.url()), { now: new Date(now.getTime() + MINUTE) })
    expect((await deliveriesOf(dba))[0]).toMatchObject({ status: 'DELIVERED', attempts: 2, lastError: null })
    expect(listening.to(dba.email)).toHaveLength(1)
  })

  it('a wrong SMTP password is recorded and logged as a refused sign-in, never with the password, and retried', async () => {
    const dba = await makeUser('DBA')
    await emailMe(dba, 'WINDOW_AWAITING_APPROVAL')
    await requestAWindow()
    const wrong = 'Wr0ng-pa55word-9c1d'
    const restore = exportEnv({ SMTP_URL: server.url(wrong) })
    const log: string[] = []
    const sender = createEmailSender((line) => log.push(line))
    try {
      await sender?.tick()
    } finally {
      sender?.stop()
      restore()
    }
    const [row] = await deliveriesOf(dba)
    expect(row).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'EAUTH: Invalid login: 535 Authentication credentials invalid',
    })
    expect(row?.lastError).not.toContain(wrong)
    expect(log.find((line) => line.includes('535'))).toMatch(/not sent: EAUTH: Invalid login: 535 .*next try/)
    expect(log.join('\n')).not.toContain(wrong)
    expect(server.to(dba.email)).toEqual([])
  })
})
