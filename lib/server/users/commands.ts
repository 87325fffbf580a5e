import 'server-only'
import { hashPassword } from '@/lib/auth/password'
import { db, Prisma, type Tx } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { recordAudit } from '@/lib/server/audit/record'
import { assertCanInTx } from '@/lib/server/authorize'
import { conflict, invalid, notFound } from '@/lib/server/errors'
import { toUserDTO, USER_SELECT, type UserDTO } from './queries'
import { endAllSessionsInTx } from './sessions'
import type { TChangeUserRole, TCreateUser, TResetUserPassword, TSetUserActive } from './schemas'

// All commands here: admins only, re-checked inside the transaction. Admins can neither demote nor
// deactivate themselves, so the admin acting is always an active admin left behind: never zero.

export async function createUser(actor: UserActor, input: TCreateUser): Promise<UserDTO> {
  const passwordHash = await hashPassword(input.password)
  try {
    return await db.$transaction(async (tx) => {
      await assertCanInTx(tx, actor, 'user:manage')
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
        select: USER_SELECT,
      })
      await recordAudit(tx, actor, {
        action: 'user.create',
        entityType: 'User',
        entityId: user.id,
        after: { email: user.email, name: user.name, role: user.role, isActive: true },
      })
      return toUserDTO(user)
    })
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw invalid('A user with this email already exists.', { email: ['A user with this email already exists.'] })
    }
    throw error
  }
}

export async function changeUserRole(actor: UserActor, input: TChangeUserRole): Promise<UserDTO> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    const before = await lockUser(tx, input.userId)
    if (before.role === input.role) return toUserDTO(before)
    if (before.id === actor.id) throw conflict('You cannot change your own role; ask another admin.')
    const user = await tx.user.update({
      where: { id: before.id },
      data: { role: input.role, sessionVersion: { increment: 1 } },
      select: USER_SELECT,
    })
    await recordAudit(tx, actor, {
      action: 'user.changeRole',
      entityType: 'User',
      entityId: user.id,
      before: { role: before.role },
      after: { role: user.role },
    })
    await endAllSessionsInTx(tx, actor, user.id, 'role-changed')
    return toUserDTO(user)
  })
}

export async function setUserActive(actor: UserActor, input: TSetUserActive): Promise<UserDTO> {
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    const before = await lockUser(tx, input.userId)
    if (before.isActive === input.isActive) return toUserDTO(before)
    if (!input.isActive) {
      if (before.id === actor.id) throw conflict('You cannot deactivate yourself.')
    }
    const user = await tx.user.update({
      where: { id: before.id },
      // Deactivation ends every session at once; reactivation starts from a clean slate.
      data: { isActive: input.isActive, sessionVersion: { increment: 1 }, failedSignIns: 0, lockedUntil: null },
      select: USER_SELECT,
    })
    await recordAudit(tx, actor, {
      action: input.isActive ? 'user.reactivate' : 'user.deactivate',
      entityType: 'User',
      entityId: user.id,
      before: { isActive: before.isActive },
      after: { isActive: user.isActive },
    })
    if (!input.isActive) await endAllSessionsInTx(tx, actor, user.id, 'deactivated')
    return toUserDTO(user)
  })
}

export async function resetUserPassword(actor: UserActor, input: TResetUserPassword): Promise<UserDTO> {
  const passwordHash = await hashPassword(input.password)
  return db.$transaction(async (tx) => {
    await assertCanInTx(tx, actor, 'user:manage')
    await lockUser(tx, input.userId)
    const service = await tx.user.findUnique({ where: { id: input.userId }, select: { isService: true } })
    if (service?.isService)
      throw conflict(
        'A service account has no password: it acts only through its API tokens (Admin → Service accounts).',
      )
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { passwordHash, sessionVersion: { increment: 1 }, failedSignIns: 0, lockedUntil: null },
      select: USER_SELECT,
    })
    // The audit row says that it changed, never what it is.
    await recordAudit(tx, actor, { action: 'user.resetPassword', entityType: 'User', entityId: user.id })
    await endAllSessionsInTx(tx, actor, user.id, 'password-reset')
    return toUserDTO(user)
  })
}

async function lockUser(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE "id" = ${id}::uuid FOR UPDATE`
  if (locked.length === 0) throw notFound('User')
  return tx.user.findUniqueOrThrow({ where: { id }, select: USER_SELECT })
}
