import 'server-only'
import { db } from '@/lib/db'
import type { UserActor } from '@/lib/server/actor'
import { assertCan, seesRowData } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'
import { withheldLine } from './queries'

/**
 * Everyone: a run's log oldest first, after the event `after` (exclusive) – a client polls with the last id it
 * saw. Errors and warnings, which can quote row values, are withheld from stakeholders as on the run page.
 */
export async function listRunEvents(actor: UserActor, runId: string, page: { after?: string; limit: number }) {
  assertCan(actor, 'run:read')
  if (!ZId.safeParse(runId).success) throw notFound('Run')
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true } })
  if (!run) throw notFound('Run')
  const rowData = seesRowData(actor)
  const rows = await db.runEvent.findMany({
    where: { runId, ...(page.after ? { id: { gt: BigInt(page.after) } } : {}) },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  })
  const items = rows.slice(0, page.limit).map((e) => ({
    id: e.id.toString(),
    at: e.createdAt.toISOString(),
    level: e.level,
    message: (!rowData && withheldLine(e.level)) || e.message,
    stepId: null,
  }))
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null }
}
