import { db, Prisma } from '@/lib/db'
import { appEnv } from '@/lib/env'
import type { ClaimedUnit, CopyUnits, UnitState } from './copy/shared'
import type { PartState } from './copy/state'

// The units of copy steps' copies in Lockstep's database (CopyUnit): the queue through which workers share a
// copy's load (lib/engine/copy/shared.ts). A claim takes the first unit that is queued or whose lease ran out
// (its worker died) with FOR UPDATE SKIP LOCKED, so any number of workers claim at once without waiting on each
// other or taking one unit twice; only a step run still running hands units out.

const leaseSeconds = () => appEnv().COPY_UNIT_LEASE_MS / 1000

/**
 * Claims a unit for `workerId`: of one copy, or of any copy but those of runs this worker holds and of the step
 * runs it skips.
 */
async function claim(
  workerId: string,
  which: { stepRunId: string; copyId: string } | { skipping: readonly string[] },
): Promise<ClaimedUnit | null> {
  const only =
    'copyId' in which
      ? Prisma.sql`c."stepRunId" = ${which.stepRunId}::uuid AND c."copyId" = ${which.copyId}`
      : Prisma.sql`r."workerId" IS DISTINCT FROM ${workerId} AND NOT r."cancelRequested" AND c."stepRunId"::text <> ALL (${[...which.skipping]}::text[])`
  const rows = await db.$queryRaw<ClaimedUnit[]>`
    UPDATE "CopyUnit" u SET "state" = 'CLAIMED', "workerId" = ${workerId}, "claimedAt" = now(),
           "leaseUntil" = now() + make_interval(secs => ${leaseSeconds()}),
           "claimedBy" = CASE WHEN ${workerId} = ANY (u."claimedBy") THEN u."claimedBy" ELSE array_append(coalesce(u."claimedBy", '{}'), ${workerId}) END
     WHERE u."id" = (
       SELECT c."id" FROM "CopyUnit" c JOIN "StepRun" s ON s."id" = c."stepRunId" JOIN "Run" r ON r."id" = s."runId"
        WHERE c."state" IN ('QUEUED', 'CLAIMED') AND (c."leaseUntil" IS NULL OR c."leaseUntil" < now())
          AND s."status" = 'RUNNING' AND ${only}
        ORDER BY s."startedAt", c."position", c."id"
        FOR UPDATE OF c SKIP LOCKED LIMIT 1)
    RETURNING u."id", u."tableName" AS "table", u."part"`
  return rows[0] ?? null
}

/** A unit of any running copy step for a worker to help with (its own runs' units it loads as their coordinator). */
export const claimCopyUnit = async (workerId: string, skipping: readonly string[] = []) =>
  (await claim(workerId, { skipping }))?.id ?? null

/** The queue of one step run's copies, as `workerId` uses it. */
export function copyUnitsFor(stepRunId: string, workerId: string): CopyUnits {
  return {
    leaseMs: appEnv().COPY_UNIT_LEASE_MS,

    async publish(copyId: string, schema: string, parts: readonly { part: PartState; position: number }[]) {
      const list = <T>(pick: (p: PartState, position: number) => T) => parts.map((p) => pick(p.part, p.position))
      // Published again by a resumed coordinator: what the target says is done is done, a failed unit is queued
      // again, and a unit another worker is loading stays its own.
      await db.$executeRaw`
        INSERT INTO "CopyUnit" ("id", "stepRunId", "copyId", "schema", "tableName", "part", "lo", "hi", "position", "state", "rowsWritten", "rowsRejected", "finishedAt")
        SELECT gen_random_uuid(), ${stepRunId}::uuid, ${copyId}, ${schema}, t, p, l, h, pos,
               CASE WHEN d THEN 'DONE' ELSE 'QUEUED' END::"CopyUnitState", w, r, CASE WHEN d THEN now() END
          FROM unnest(${list((p) => p.table)}::text[], ${list((p) => p.part)}::int[], ${list((p) => p.lo)}::text[],
                      ${list((p) => p.hi)}::text[], ${list((_, position) => position)}::int[], ${list((p) => p.done)}::boolean[],
                      ${list((p) => p.written)}::bigint[], ${list((p) => p.rejected)}::bigint[]) AS x(t, p, l, h, pos, d, w, r)
        ON CONFLICT ("stepRunId", "copyId", "tableName", "part") DO UPDATE SET
          "state" = CASE WHEN excluded."state" = 'DONE' THEN 'DONE'
                         WHEN "CopyUnit"."state" IN ('DONE', 'FAILED') THEN 'QUEUED' ELSE "CopyUnit"."state" END,
          "workerId" = CASE WHEN excluded."state" <> 'DONE' AND "CopyUnit"."state" IN ('DONE', 'FAILED') THEN NULL ELSE "CopyUnit"."workerId" END,
          "leaseUntil" = CASE WHEN excluded."state" = 'DONE' OR "CopyUnit"."state" IN ('DONE', 'FAILED') THEN NULL ELSE "CopyUnit"."leaseUntil" END,
          "error" = NULL,
          "rowsWritten" = CASE WHEN "CopyUnit"."state" = 'CLAIMED' AND excluded."state" <> 'DONE' THEN "CopyUnit"."rowsWritten" ELSE excluded."rowsWritten" END,
          "rowsRejected" = CASE WHEN "CopyUnit"."state" = 'CLAIMED' AND excluded."state" <> 'DONE' THEN "CopyUnit"."rowsRejected" ELSE excluded."rowsRejected" END,
          "finishedAt" = CASE WHEN excluded."state" = 'DONE' THEN coalesce("CopyUnit"."finishedAt", now()) END`
    },

    claim: (copyId: string) => claim(workerId, { stepRunId, copyId }),

    async renew(unit: ClaimedUnit, part: PartState) {
      const renewed = await db.$executeRaw`
        UPDATE "CopyUnit" u SET "leaseUntil" = now() + make_interval(secs => ${leaseSeconds()}),
               "rowsWritten" = ${part.written}, "rowsRejected" = ${part.rejected}
          FROM "StepRun" s
         WHERE u."id" = ${unit.id}::uuid AND u."workerId" = ${workerId} AND u."state" = 'CLAIMED'
           AND s."id" = u."stepRunId" AND s."status" = 'RUNNING'`
      return renewed > 0
    },

    async release(unit: ClaimedUnit, afterMs: number) {
      await db.$executeRaw`
        UPDATE "CopyUnit" SET "state" = 'QUEUED', "workerId" = NULL,
               "leaseUntil" = CASE WHEN ${afterMs} > 0 THEN now() + make_interval(secs => ${afterMs / 1000}) END
         WHERE "id" = ${unit.id}::uuid AND "workerId" = ${workerId} AND "state" = 'CLAIMED'`
    },

    async finish(unit: ClaimedUnit, outcome: { part: PartState } | { error: string }) {
      // Done on the target is done, whoever holds the unit now; a failure is recorded only by its holder.
      if ('part' in outcome)
        await db.copyUnit.updateMany({
          where: { id: unit.id },
          data: {
            state: 'DONE',
            leaseUntil: null,
            rowsWritten: outcome.part.written,
            rowsRejected: outcome.part.rejected,
            finishedAt: new Date(),
          },
        })
      else
        await db.copyUnit.updateMany({
          where: { id: unit.id, workerId, state: 'CLAIMED' },
          data: { state: 'FAILED', leaseUntil: null, error: outcome.error, finishedAt: new Date() },
        })
    },

    async states(copyId: string): Promise<UnitState[]> {
      const units = await db.copyUnit.findMany({
        where: { stepRunId, copyId },
        select: { tableName: true, part: true, state: true, workerId: true, error: true },
      })
      return units.map((u) => ({
        table: u.tableName,
        part: u.part,
        state: u.state,
        workerId: u.workerId,
        error: u.error,
      }))
    },

    // Rejected rows are kept by every worker as it loads (CopyReject), a resumed chunk's once.
    rejectedColumns: (copyId: string) =>
      db.$queryRaw<{ where: string; rows: number; example: string }[]>`
        SELECT "tableName" || '.' || "column" AS "where", count(*)::int AS "rows", min("reason") AS "example"
          FROM "CopyReject" WHERE "stepRunId" = ${stepRunId}::uuid AND "copyId" = ${copyId}
         GROUP BY "tableName", "column"`,
  }
}
