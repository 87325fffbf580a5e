import { db } from '@/lib/db'

// Test files share one database: a file's worker stand-in claims only the runs that file started (oldest
// first, queued or interrupted), never another file's.

export function ownRuns() {
  const ids: string[] = []
  return {
    /** Remembers a run this file started. */
    track<T extends { id: string }>(run: T): T {
      ids.push(run.id)
      return run
    },
    /** Claims the oldest claimable run of this file for `workerId`, as the worker's claim does; null when none. */
    async claim(workerId: string): Promise<string | null> {
      for (const id of ids) {
        const rows = await db.$queryRaw<{ id: string }[]>`
          UPDATE "Run" SET "status" = 'RUNNING', "workerId" = ${workerId}, "startedAt" = coalesce("startedAt", now()), "updatedAt" = now()
           WHERE "id" = ${id}::uuid AND "status" IN ('QUEUED', 'INTERRUPTED') RETURNING "id"`
        if (rows[0]) return rows[0].id
      }
      return null
    },
  }
}
