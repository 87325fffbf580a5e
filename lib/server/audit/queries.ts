import 'server-only'
import { z } from 'zod'
import { db, type Prisma } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan } from '@/lib/server/authorize'
import { entityLabels } from './labels'

export const AUDIT_PAGE_SIZE = 50

const ZDate = z.iso.date().optional().catch(undefined)
export const ZAuditFilter = z.object({
  actor: z.string().trim().max(320).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  entityType: z.string().trim().max(100).optional().catch(undefined),
  entityId: z.string().trim().max(100).optional().catch(undefined),
  from: ZDate,
  to: ZDate,
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .catch(undefined),
})
export type TAuditFilter = z.infer<typeof ZAuditFilter>

export type AuditEventDTO = {
  id: string
  actorLabel: string
  action: string
  entityType: string
  entityId: string | null
  /** The entity's name (“Orders move”, alice@example.com), or null: then the log shows the part of its id that differs. */
  entityLabel: string | null
  before: unknown
  after: unknown
  origin: string | null
  /** The API token the actor acted through, when they did. */
  apiToken: { id: string; name: string } | null
  createdAt: string
}

export type AuditPage = { events: AuditEventDTO[]; nextBefore: string | null; actions: string[]; entityTypes: string[] }

/** Admins only. Newest first, `AUDIT_PAGE_SIZE` at a time, paging backwards by id. */
export async function listAuditEventsForAdmin(actor: UserActor, filter: TAuditFilter): Promise<AuditPage> {
  assertCan(actor, 'audit:read')
  const where: Prisma.AuditEventWhereInput = {
    ...(filter.actor ? { actorLabel: { contains: filter.actor, mode: 'insensitive' } } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.before ? { id: { lt: BigInt(filter.before) } } : {}),
    createdAt: {
      ...(filter.from ? { gte: new Date(`${filter.from}T00:00:00Z`) } : {}),
      ...(filter.to ? { lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
    },
  }
  const [rows, actions, entityTypes] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: { id: 'desc' },
      take: AUDIT_PAGE_SIZE + 1,
      include: { apiToken: { select: { id: true, name: true } } },
    }),
    // Prisma's `distinct` de-duplicates in memory; the database does it from the indexes.
    db.$queryRaw<{ action: string }[]>`SELECT DISTINCT "action" FROM "AuditEvent" ORDER BY 1`,
    db.$queryRaw<{ entityType: string }[]>`SELECT DISTINCT "entityType" FROM "AuditEvent" ORDER BY 1`,
  ])
  const page = rows.slice(0, AUDIT_PAGE_SIZE)
  const labels = await entityLabels(actor, page)
  return {
    events: page.map((row, i) => ({
      id: row.id.toString(),
      actorLabel: row.actorLabel,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      entityLabel: labels[i] ?? null,
      before: row.before,
      after: row.after,
      origin: row.origin,
      apiToken: row.apiToken,
      createdAt: row.createdAt.toISOString(),
    })),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? (page.at(-1)?.id.toString() ?? null) : null,
    actions: actions.map((a) => a.action),
    entityTypes: entityTypes.map((e) => e.entityType),
  }
}
