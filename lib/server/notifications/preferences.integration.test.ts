import { afterEach, describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { exportEnv } from '@/lib/env'
import type { NotificationKind } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { auditEventsFor, makeUser } from '@/lib/testing/factories'
import { notify, type Notice } from './notify'
import { getEmailPreferences, setEmailPreferences } from './preferences'
import { ZEmailPreferences } from './schemas'

// Each person's choice of notices by email, and the outbox rows those choices make: written with the notice,
// in its transaction, or not at all.

const ticking = (...kinds: NotificationKind[]) =>
  ZEmailPreferences.parse(Object.fromEntries(kinds.map((k) => [k, 'on'])))
const chosen = async (actor: UserActor) =>
  (await getEmailPreferences(actor)).kinds.filter((k) => k.email).map((k) => k.kind)
const notice: Notice = { kind: 'RUN_FAILED', title: 'Run of Schema on staging failed', body: 'line 2', href: '/runs/1' }

let restoreEnv = () => {}
afterEach(() => restoreEnv())
const emailOn = () =>
  (restoreEnv = exportEnv({ SMTP_URL: 'smtp://127.0.0.1:2525', LOCKSTEP_PUBLIC_URL: 'https://ls.example' }))

describe('email preferences', () => {
  it('are all off at first, listed for every kind with a description, and say whether email is set up', async () => {
    const lead = await makeUser('LEAD')
    const preferences = await getEmailPreferences(lead)
    expect(preferences).toMatchObject({ isEmailOn: false, address: lead.email })
    expect(preferences.kinds.map((k) => k.kind)).toEqual([
      'WINDOW_AWAITING_APPROVAL',
      'WINDOW_APPROVED',
      'WINDOW_REJECTED',
      'RUN_FAILED',
      'PLAN_STATUS_CHANGED',
      'TARGET_DRIFTED',
    ])
    expect(preferences.kinds.every((k) => !k.email && k.label && k.description)).toBe(true)
    emailOn()
    expect((await getEmailPreferences(lead)).isEmailOn).toBe(true)
  })

  it('are each person’s own, set by every role, and audited only when they change', async () => {
    const stakeholder = await makeUser('STAKEHOLDER')
    const other = await makeUser('STAKEHOLDER')
    expect(await setEmailPreferences(stakeholder, ticking('PLAN_STATUS_CHANGED', 'RUN_FAILED'))).toEqual({
      email: ['RUN_FAILED', 'PLAN_STATUS_CHANGED'],
    })
    expect(await chosen(stakeholder)).toEqual(['RUN_FAILED', 'PLAN_STATUS_CHANGED'])
    expect(await chosen(other)).toEqual([])
    await setEmailPreferences(stakeholder, ticking('PLAN_STATUS_CHANGED', 'RUN_FAILED')) // the same again
    await setEmailPreferences(stakeholder, ticking('PLAN_STATUS_CHANGED'))
    expect(await chosen(stakeholder)).toEqual(['PLAN_STATUS_CHANGED'])
    expect(await auditEventsFor(stakeholder.id)).toMatchObject([
      {
        action: 'notification.email-preferences',
        actorId: stakeholder.id,
        before: { email: [] },
        after: { email: ['RUN_FAILED', 'PLAN_STATUS_CHANGED'] },
      },
      { before: { email: ['RUN_FAILED', 'PLAN_STATUS_CHANGED'] }, after: { email: ['PLAN_STATUS_CHANGED'] } },
    ])
  })

  it('are refused to a deactivated person', async () => {
    const lead = await makeUser('LEAD')
    await db.user.update({ where: { id: lead.id }, data: { isActive: false } })
    await expect(setEmailPreferences(lead, ticking('RUN_FAILED'))).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await db.notificationPreference.count({ where: { userId: lead.id } })).toBe(0)
  })
})

describe('the email outbox', () => {
  it('holds one email per notice for those who chose its kind, linked to the notice', async () => {
    emailOn()
    const [chose, choseOther, didNot] = [await makeUser('DBA'), await makeUser('DBA'), await makeUser('DBA')]
    await setEmailPreferences(chose, ticking('RUN_FAILED'))
    await setEmailPreferences(choseOther, ticking('TARGET_DRIFTED'))
    expect(await db.$transaction((tx) => notify(tx, [chose.id, choseOther.id, didNot.id, chose.id], notice))).toBe(3)
    const emails = await db.emailDelivery.findMany({ where: { userId: { in: [chose.id, choseOther.id, didNot.id] } } })
    const noticeOf = await db.notification.findFirstOrThrow({ where: { userId: chose.id } })
    expect(emails).toMatchObject([
      {
        userId: chose.id,
        notificationId: noticeOf.id,
        kind: 'RUN_FAILED',
        to: chose.email,
        subject: 'Run of Schema on staging failed',
        text: expect.stringContaining('line 2\n\nOpen it in Lockstep: https://ls.example/runs/1\n'),
        status: 'PENDING',
        attempts: 0,
      },
    ])
  })

  it('is written in the notice’s transaction: a change rolled back leaves no notice and no email', async () => {
    emailOn()
    const dba = await makeUser('DBA')
    await setEmailPreferences(dba, ticking('RUN_FAILED'))
    await expect(
      db.$transaction(async (tx) => {
        await notify(tx, [dba.id], notice)
        throw new Error('the change failed after the notice')
      }),
    ).rejects.toThrow('the change failed')
    expect(await db.notification.count({ where: { userId: dba.id } })).toBe(0)
    expect(await db.emailDelivery.count({ where: { userId: dba.id } })).toBe(0)
  })

  it('stays empty while email is not set up, whatever people chose', async () => {
    const dba = await makeUser('DBA')
    await setEmailPreferences(dba, ticking('RUN_FAILED'))
    expect(await db.$transaction((tx) => notify(tx, [dba.id], notice))).toBe(1)
    expect(await db.emailDelivery.count({ where: { userId: dba.id } })).toBe(0)
  })
})
