import type { Prisma, Tx } from '@/lib/db'
import type { Actor } from '@/lib/server/actor'

export type AuditEntry = {
  action: string
  entityType: string
  entityId?: string | null
  planId?: string | null
  before?: Prisma.InputJsonValue | null
  after?: Prisma.InputJsonValue | null
}

/** Writes one audit event. Call it with the transaction that performs the mutation it describes. */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: actor.kind === 'user' ? actor.id : null,
      actorLabel: actor.kind === 'user' ? actor.email : actor.label,
      origin: actor.origin,
      apiTokenId: actor.kind === 'user' ? (actor.token?.id ?? null) : null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      planId: entry.planId ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
  })
}
