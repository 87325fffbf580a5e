import 'server-only'
import { SCOPE_NAMES } from '@/lib/auth/scopes'
import { db, type Prisma } from '@/lib/db'
import type { Role } from '@/lib/generated/prisma/enums'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'

// API tokens as their pages show them: never the secret nor its hash, only the prefix that recognises one.

const RECENT_USES = 20

const TOKEN_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedFrom: true,
  createdBy: { select: { name: true } },
  uses: { orderBy: { id: 'desc' }, take: RECENT_USES },
  _count: { select: { uses: true } },
} satisfies Prisma.ApiTokenSelect

type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof TOKEN_SELECT }>

export type TokenDTO = {
  id: string
  name: string
  prefix: string
  scopes: string[]
  state: 'active' | 'expired' | 'revoked'
  createdAt: string
  createdByName: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
  lastUsedFrom: string | null
  useCount: number
  uses: { id: string; method: string; path: string; status: number; origin: string | null; at: string }[]
}

const iso = (d: Date | null) => d?.toISOString() ?? null

function toTokenDTO(t: TokenRow, now: Date): TokenDTO {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes.map((s) => SCOPE_NAMES[s]),
    state: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= now ? 'expired' : 'active',
    createdAt: t.createdAt.toISOString(),
    createdByName: t.createdBy.name,
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedFrom: t.lastUsedFrom,
    useCount: t._count.uses,
    uses: t.uses.map((u) => ({
      id: u.id.toString(),
      method: u.method,
      path: u.path,
      status: u.status,
      origin: u.origin,
      at: u.createdAt.toISOString(),
    })),
  }
}

/** Anyone signed in: their own tokens, newest first, with their recent requests. */
export async function listOwnTokens(actor: UserActor, now = new Date()): Promise<TokenDTO[]> {
  assertCan(actor, 'account:own')
  const tokens = await db.apiToken.findMany({
    where: { userId: actor.id },
    orderBy: { createdAt: 'desc' },
    select: TOKEN_SELECT,
  })
  return tokens.map((t) => toTokenDTO(t, now))
}

export type ServiceAccountDTO = {
  id: string
  name: string
  email: string
  role: Role
  isActive: boolean
  createdAt: string
  tokens: TokenDTO[]
}

/** Admins: the service accounts and their tokens. */
export async function listServiceAccounts(actor: UserActor, now = new Date()): Promise<ServiceAccountDTO[]> {
  assertCan(actor, 'user:manage')
  const accounts = await db.user.findMany({
    where: { isService: true },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      isActive: true,
      createdAt: true,
      apiTokens: { orderBy: { createdAt: 'desc' }, select: TOKEN_SELECT },
    },
  })
  return accounts.map((a) => ({
    ...a,
    createdAt: a.createdAt.toISOString(),
    tokens: a.apiTokens.map((t) => toTokenDTO(t, now)),
  }))
}
