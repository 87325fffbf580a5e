import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// Reads of plans for the HTTP API (lib/api/v1): the list a page at a time by a cursor, and a plan's outline –
// its phases, their steps and its environments – which is what a pipeline needs to find ids by name.

/** A cursor is the last id of the previous page: ids are time-ordered (UUIDv7), so pages never shift. */
const decodeCursor = (cursor: string | undefined): string | null => {
  if (!cursor) return null
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  return ZId.safeParse(id).success ? id : null
}
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url')

/** Any role that reads plans: every plan, archived ones too, in the order they were created. */
export async function listPlansPage(actor: UserActor, page: { limit: number; cursor?: string }) {
  assertCan(actor, 'plan:read')
  const after = decodeCursor(page.cursor)
  if (page.cursor && !after) return { items: [], nextCursor: null }
  const rows = await db.plan.findMany({
    where: after ? { id: { gt: after } } : {},
    orderBy: { id: 'asc' },
    take: page.limit + 1,
    select: { id: true, title: true, status: true, updatedAt: true },
  })
  const items = rows.slice(0, page.limit).map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() }))
  const last = items.at(-1)
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last.id) : null }
}

/** Any role that reads plans: the plan's phases with their steps (removed ones left out) and its environments. */
export async function getPlanOutline(actor: UserActor, planId: string) {
  assertCan(actor, 'plan:read')
  if (!ZId.safeParse(planId).success) throw notFound('Plan')
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: {
      id: true,
      title: true,
      status: true,
      phases: {
        orderBy: { position: 'asc' },
        select: {
          id: true,
          name: true,
          position: true,
          steps: {
            where: { removedAt: null },
            orderBy: { position: 'asc' },
            select: { id: true, name: true, kind: true, position: true },
          },
        },
      },
      environments: {
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
        select: { position: true, environment: { select: { id: true, name: true, protected: true } } },
      },
    },
  })
  if (!plan) throw notFound('Plan')
  return {
    ...plan,
    environments: plan.environments.map((e) => ({ ...e.environment, position: e.position })),
  }
}
