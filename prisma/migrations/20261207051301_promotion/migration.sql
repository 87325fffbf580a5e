-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "promotionOverrideReason" TEXT,
ADD COLUMN     "promotionSkippedEnvironment" TEXT;

-- AlterTable
ALTER TABLE "PlanEnvironment" ADD COLUMN     "position" INTEGER NOT NULL DEFAULT 0;


-- Existing plans keep the order their environments were given in: by creation (ids are UUIDv7, time-ordered),
-- which is also the order the plan's "last environment" was chosen by before.
UPDATE "PlanEnvironment" pe
   SET "position" = ordered."position"
  FROM (
    SELECT "id", (row_number() OVER (PARTITION BY "planId" ORDER BY "id") - 1)::int AS "position"
      FROM "PlanEnvironment"
  ) ordered
 WHERE ordered."id" = pe."id";
