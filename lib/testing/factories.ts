import { randomUUID } from 'node:crypto'
import { hashPassword } from '@/lib/auth/password'
import { db } from '@/lib/db'
import type { Role } from '@/lib/generated/prisma/enums'
import { localUserActor, type UserActor } from '@/lib/server/actor'

export const TEST_PASSWORD = 'correct horse battery staple'
let cachedHash: Promise<string> | undefined

/** A user written straight to the database, with a unique email; returned as an actor. */
export async function makeUser(
  role: Role,
  overrides: { isActive?: boolean; password?: string } = {},
): Promise<UserActor> {
  const passwordHash = overrides.password
    ? await hashPassword(overrides.password)
    : await (cachedHash ??= hashPassword(TEST_PASSWORD))
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@test.lockstep`
  // As if signed in with a code just now: a fresh second factor in this session (re-authentication).
  const sessionId = randomUUID()
  const user = await db.user.create({
    data: {
      email,
      name: `Test ${role}`,
      role,
      passwordHash,
      isActive: overrides.isActive ?? true,
      secondFactorAt: new Date(),
      secondFactorSession: sessionId,
    },
  })
  return localUserActor(user, sessionId)
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@test.lockstep`
}

/** Audit events about one entity, oldest first. */
export function auditEventsFor(entityId: string) {
  return db.auditEvent.findMany({ where: { entityId }, orderBy: { id: 'asc' } })
}
