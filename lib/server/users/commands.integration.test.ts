import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { DomainError } from '@/lib/server/errors'
import { auditEventsFor, makeUser, uniqueEmail } from '@/lib/testing/factories'
import { changeUserRole, createUser, resetUserPassword, setUserActive } from './commands'

const PASSWORD = 'a long enough password'

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

describe('createUser', () => {
  it('creates the user and exactly one audit event, without the password', async () => {
    const admin = await makeUser('ADMIN')
    const email = uniqueEmail('new')
    const user = await createUser(admin, { name: 'Grace', email, role: 'DBA', password: PASSWORD })
    expect(user).toMatchObject({ email, role: 'DBA', isActive: true })
    const events = await auditEventsFor(user.id)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      action: 'user.create',
      actorId: admin.id,
      actorLabel: admin.email,
      origin: '127.0.0.1',
    })
    expect(JSON.stringify(events[0]?.after)).not.toContain(PASSWORD)
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/)
  })

  it('refuses every role but admin, and writes nothing', async () => {
    for (const role of ['STAKEHOLDER', 'LEAD', 'DBA'] as const) {
      const actor = await makeUser(role)
      const email = uniqueEmail('forbidden')
      const error = await refusal(createUser(actor, { name: 'Mallory', email, role: 'ADMIN', password: PASSWORD }))
      expect(error.code).toBe('FORBIDDEN')
      expect(await db.user.count({ where: { email } })).toBe(0)
      expect(await db.auditEvent.count({ where: { actorId: actor.id } })).toBe(0)
    }
  })

  it('re-reads the role from the database: a demoted admin is refused', async () => {
    const admin = await makeUser('ADMIN')
    await db.user.update({ where: { id: admin.id }, data: { role: 'STAKEHOLDER' } })
    const error = await refusal(
      createUser(admin, { name: 'Late', email: uniqueEmail(), role: 'LEAD', password: PASSWORD }),
    )
    expect(error.code).toBe('FORBIDDEN')
  })

  it('reports a duplicate email on the field and leaves no audit event', async () => {
    const admin = await makeUser('ADMIN')
    const existing = await makeUser('LEAD')
    const before = await db.auditEvent.count()
    const error = await refusal(
      createUser(admin, { name: 'Twin', email: existing.email, role: 'LEAD', password: PASSWORD }),
    )
    expect(error.fieldErrors?.email?.[0]).toMatch(/already exists/)
    expect(await db.auditEvent.count({ where: { actorId: admin.id } })).toBe(0)
    expect(await db.auditEvent.count()).toBeGreaterThanOrEqual(before)
  })
})

describe('changing, deactivating and resetting users', () => {
  it('changes a role with one audit event holding before and after, and ends their sessions', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    const before = await db.user.findUniqueOrThrow({ where: { id: lead.id } })
    await changeUserRole(admin, { userId: lead.id, role: 'DBA' })
    const after = await db.user.findUniqueOrThrow({ where: { id: lead.id } })
    expect(after.role).toBe('DBA')
    expect(after.sessionVersion).toBe(before.sessionVersion + 1)
    const events = await auditEventsFor(lead.id)
    expect(events.map((e) => e.action)).toEqual(['user.changeRole'])
    expect(events[0]?.before).toEqual({ role: 'LEAD' })
    expect(events[0]?.after).toEqual({ role: 'DBA' })
  })

  it('deactivates and reactivates, one audit event each', async () => {
    const admin = await makeUser('ADMIN')
    const dba = await makeUser('DBA')
    await setUserActive(admin, { userId: dba.id, isActive: false })
    expect((await db.user.findUniqueOrThrow({ where: { id: dba.id } })).isActive).toBe(false)
    await setUserActive(admin, { userId: dba.id, isActive: true })
    expect((await auditEventsFor(dba.id)).map((e) => e.action)).toEqual(['user.deactivate', 'user.reactivate'])
  })

  it('resets a password, clears a lockout and audits without the secret', async () => {
    const admin = await makeUser('ADMIN')
    const lead = await makeUser('LEAD')
    await db.user.update({
      where: { id: lead.id },
      data: { failedSignIns: 9, lockedUntil: new Date(Date.now() + 60_000) },
    })
    await resetUserPassword(admin, { userId: lead.id, password: 'another long password' })
    const stored = await db.user.findUniqueOrThrow({ where: { id: lead.id } })
    expect(stored).toMatchObject({ failedSignIns: 0, lockedUntil: null })
    const events = await auditEventsFor(lead.id)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ action: 'user.resetPassword', before: null, after: null })
  })

  it('refuses to give a service account a password', async () => {
    const admin = await makeUser('ADMIN')
    const service = await makeUser('LEAD')
    await db.user.update({ where: { id: service.id }, data: { isService: true, passwordHash: null } })
    await expect(resetUserPassword(admin, { userId: service.id, password: 'another long password' })).rejects.toThrow(
      /service account has no password/,
    )
    const stored = await db.user.findUniqueOrThrow({ where: { id: service.id } })
    expect(stored.passwordHash).toBeNull()
    expect(await auditEventsFor(service.id)).toHaveLength(0)
  })

  it('refuses to let admins change or deactivate themselves', async () => {
    const admin = await makeUser('ADMIN')
    expect((await refusal(changeUserRole(admin, { userId: admin.id, role: 'LEAD' }))).code).toBe('CONFLICT')
    expect((await refusal(setUserActive(admin, { userId: admin.id, isActive: false }))).code).toBe('CONFLICT')
    expect(await auditEventsFor(admin.id)).toHaveLength(0)
  })

  it('answers "not found" for an unknown user id', async () => {
    const admin = await makeUser('ADMIN')
    const error = await refusal(changeUserRole(admin, { userId: '00000000-0000-4000-8000-000000000000', role: 'LEAD' }))
    expect(error.code).toBe('NOT_FOUND')
  })

  it('refuses a stakeholder every user command', async () => {
    const stakeholder = await makeUser('STAKEHOLDER')
    const target = await makeUser('LEAD')
    const attempts = [
      () => changeUserRole(stakeholder, { userId: target.id, role: 'ADMIN' }),
      () => setUserActive(stakeholder, { userId: target.id, isActive: false }),
      () => resetUserPassword(stakeholder, { userId: target.id, password: 'a password of mine' }),
    ]
    for (const attempt of attempts) expect((await refusal(attempt())).code).toBe('FORBIDDEN')
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      role: 'LEAD',
      isActive: true,
    })
    expect(await auditEventsFor(target.id)).toHaveLength(0)
  })
})
