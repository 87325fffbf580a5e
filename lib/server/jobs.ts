import { db, Prisma } from '@/lib/db'
import { quoteIdent } from '@/lib/targets/quote'

// Jobs a DBA or an editor queues and one worker runs to the end (restores, rollback rehearsals): the oldest
// queued one is taken with SKIP LOCKED, so any number of workers each take a different one.

type JobTable = 'Restore' | 'RollbackRehearsal' | 'SourceInspection' | 'DriftCheck'

/** Marks the oldest queued job of `table` RUNNING for this worker; its id, or null. */
export async function claimQueuedJob(table: JobTable, workerId: string): Promise<string | null> {
  const name = Prisma.raw(quoteIdent(table))
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE ${name} SET "status" = 'RUNNING', "workerId" = ${workerId}, "startedAt" = now()
     WHERE "id" = (SELECT "id" FROM ${name} WHERE "status" = 'QUEUED' ORDER BY "createdAt" FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING "id"`
  return rows[0]?.id ?? null
}
