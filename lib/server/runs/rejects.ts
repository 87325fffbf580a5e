import { db, type Prisma } from '@/lib/db'
import { parseCopyDetail } from '@/lib/domain/step-details'
import type { UserActor } from '@/lib/server/actor'
import { assertCan, seesRowData } from '@/lib/server/authorize'
import { notFound } from '@/lib/server/errors'
import { ZId } from '@/lib/server/fields'

// The rows a copy step could not write, queryable like pgloader's reject files: counted by table and
// column, listed a page at a time, filtered by table or column.

export const REJECTS_PAGE = 50

type Reject = { table: string; key: string; column: string; reason: string; value: string | null }

/** Keeps rejected rows of a copy (one reported again by a resumed chunk, or a sync reading it again, is kept once). */
export async function saveCopyRejects(stepRunId: string, copyId: string, rejects: readonly Reject[]) {
  if (!rejects.length) return
  await db.copyReject.createMany({
    data: rejects.map((r) => ({
      stepRunId,
      copyId,
      tableName: r.table,
      rowKey: r.key,
      column: r.column,
      reason: r.reason,
      value: r.value,
    })),
    skipDuplicates: true,
  })
}

export type CopyRejectsDTO = {
  total: number
  groups: { table: string; column: string; rows: number }[]
  rows: { id: string; table: string; key: string; column: string; reason: string; value: string | null }[]
  offset: number
  pageSize: number
}

/** Everyone; the values and the reasons (which quote them) for editors only – stakeholders get tables, columns, keys and counts. */
/**
 * The rejected rows of the copy a step run made or resumed: a copy interrupted or failed in one run and resumed
 * by the next (a new run of the phase) keeps the rejects of its earlier chunks under its copy id, on the same
 * environment. A step run that has not started its copy has only its own.
 */
export function rejectsOfCopy(stepRun: {
  id: string
  detail: unknown
  run: { environmentId: string }
}): Prisma.CopyRejectWhereInput {
  const copyId = parseCopyDetail(stepRun.detail, stepRun.id)?.copyId
  return copyId ? { copyId, stepRun: { run: { environmentId: stepRun.run.environmentId } } } : { stepRunId: stepRun.id }
}

export async function listCopyRejects(
  actor: UserActor,
  runId: string,
  query: { step?: string | null; table?: string | null; column?: string | null; offset?: number },
): Promise<CopyRejectsDTO> {
  assertCan(actor, 'run:read')
  if (!ZId.safeParse(runId).success || !ZId.safeParse(query.step ?? '').success) throw notFound('Step')
  const stepRun = await db.stepRun.findFirst({
    where: { id: query.step as string, runId },
    select: { id: true, detail: true, run: { select: { environmentId: true } } },
  })
  if (!stepRun) throw notFound('Step')
  const base = rejectsOfCopy(stepRun)
  const where = {
    ...base,
    ...(query.table ? { tableName: query.table } : {}),
    ...(query.column ? { column: query.column } : {}),
  }
  const offset = Math.max(0, Math.floor(query.offset ?? 0))
  const rowData = seesRowData(actor)
  const [total, groups, rows] = await Promise.all([
    db.copyReject.count({ where }),
    db.copyReject.groupBy({
      by: ['tableName', 'column'],
      where: base,
      _count: { _all: true },
      orderBy: [{ tableName: 'asc' }, { column: 'asc' }],
    }),
    db.copyReject.findMany({
      where,
      orderBy: [{ tableName: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      skip: offset,
      take: REJECTS_PAGE,
    }),
  ])
  return {
    total,
    groups: groups.map((g) => ({ table: g.tableName, column: g.column, rows: g._count._all })),
    rows: rows.map((r) => ({
      id: r.id,
      table: r.tableName,
      key: r.rowKey,
      column: r.column,
      ...(rowData
        ? { reason: r.reason, value: r.value }
        : { reason: 'The value does not fit its column; editors can read it.', value: null }),
    })),
    offset,
    pageSize: REJECTS_PAGE,
  }
}
