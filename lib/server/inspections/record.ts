import 'server-only'
import { db, type Prisma } from '@/lib/db'
import type { InspectionResult } from '@/lib/domain/source-inspection'
import { claimQueuedJob } from '@/lib/server/jobs'

// The worker's side of a source read: claimed like the other jobs, read with what it needs, and ended once.

export const claimInspection = (workerId: string) => claimQueuedJob('SourceInspection', workerId)

/** What the worker needs to read the source: the plan, environment, kind, table and mapping. */
export async function inspectionToRun(id: string) {
  return db.sourceInspection.findUniqueOrThrow({
    where: { id },
    select: { id: true, planId: true, environmentId: true, kind: true, table: true, mapping: true },
  })
}

/** Ends a read with its result or its error, once (a read deleted meanwhile is left alone). */
export async function finishInspection(id: string, outcome: { result: InspectionResult } | { error: string }) {
  await db.sourceInspection.updateMany({
    where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
    data:
      'result' in outcome
        ? { status: 'DONE', result: outcome.result as unknown as Prisma.InputJsonObject, finishedAt: new Date() }
        : { status: 'FAILED', error: outcome.error, finishedAt: new Date() },
  })
}
