import { describe, expect, it } from 'vitest'
import { db } from '@/lib/db'
import { makeUser } from '@/lib/testing/factories'
import { recordAudit } from './record'

describe('audit events', () => {
  it('are append-only in the database itself', async () => {
    const admin = await makeUser('ADMIN')
    await db.$transaction((tx) =>
      recordAudit(tx, admin, { action: 'test.append', entityType: 'Test', entityId: admin.id }),
    )
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityId: admin.id } })
    await expect(db.auditEvent.update({ where: { id: event.id }, data: { action: 'test.tampered' } })).rejects.toThrow(
      /append-only/,
    )
    await expect(db.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/)
    await expect(db.$executeRawUnsafe('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only/)
    expect((await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe('test.append')
  })

  it('roll back with the mutation they describe', async () => {
    const admin = await makeUser('ADMIN')
    await expect(
      db.$transaction(async (tx) => {
        await recordAudit(tx, admin, { action: 'test.rolledBack', entityType: 'Test', entityId: admin.id })
        throw new Error('the mutation failed')
      }),
    ).rejects.toThrow('the mutation failed')
    expect(await db.auditEvent.count({ where: { entityId: admin.id } })).toBe(0)
  })
})
