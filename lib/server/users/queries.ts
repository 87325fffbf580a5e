import 'server-only'
import { db } from '@/lib/db'
import type { Role } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'

export type UserDTO = {
  id: string
  email: string
  name: string
  role: Role
  isActive: boolean
  isLocked: boolean
  lastSignInAt: string | null
  createdAt: string
  /** Two-factor sign-in is set up. */
  hasMfa: boolean
  /** A service account: it acts only through API tokens and has no password to reset. */
  isService: boolean
}

export const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  isActive: true,
  lockedUntil: true,
  lastSignInAt: true,
  createdAt: true,
  totpEnabledAt: true,
  isService: true,
} as const

type UserRow = {
  id: string
  email: string
  name: string
  role: Role
  isActive: boolean
  lockedUntil: Date | null
  lastSignInAt: Date | null
  createdAt: Date
  totpEnabledAt: Date | null
  isService: boolean
}

export function toUserDTO(row: UserRow): UserDTO {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    isActive: row.isActive,
    isLocked: !!row.lockedUntil && row.lockedUntil.getTime() > Date.now(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    hasMfa: !!row.totpEnabledAt,
    isService: row.isService,
  }
}

/** Admins only. */
export async function listUsersForAdmin(actor: UserActor): Promise<UserDTO[]> {
  assertCan(actor, 'user:manage')
  const rows = await db.user.findMany({ select: USER_SELECT, orderBy: [{ isActive: 'desc' }, { name: 'asc' }] })
  return rows.map(toUserDTO)
}
