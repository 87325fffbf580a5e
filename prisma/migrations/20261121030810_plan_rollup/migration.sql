-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "itemCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "itemsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "openRiskCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "phaseCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "phasesDone" INTEGER NOT NULL DEFAULT 0;

-- Backfill the rollup for existing plans (the same statement as lib/server/plans/rollup.ts, for all plans).
  UPDATE "Plan" p
     SET "phaseCount" = ph.n, "phasesDone" = ph.done, "itemCount" = pi.n + ci.n, "itemsDone" = pi.done + ci.done, "openRiskCount" = r.n
    FROM unnest(ARRAY(SELECT "id" FROM "Plan")) AS x("id")
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(f."completedAt")::int AS done FROM "Phase" f WHERE f."planId" = x."id") ph
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(i."doneAt")::int AS done
                         FROM "Phase" f JOIN "ChecklistItem" i ON i."phaseId" = f."id" WHERE f."planId" = x."id") pi
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(i."doneAt")::int AS done
                         FROM "Checklist" c JOIN "ChecklistItem" i ON i."checklistId" = c."id" WHERE c."planId" = x."id") ci
   CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM "Risk" r WHERE r."planId" = x."id" AND r."status" = 'OPEN') r
   WHERE p."id" = x."id";
