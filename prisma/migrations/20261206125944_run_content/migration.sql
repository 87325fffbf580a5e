-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "lintOverrideChecksum" TEXT;

-- A lint acceptance given before acceptances were bound to their scripts belongs to the scripts as they are now.
UPDATE "Step" SET "lintOverrideChecksum" = encode(sha256(convert_to(
    encode(sha256(convert_to("body", 'UTF8')), 'hex') || ' ' ||
    coalesce(encode(sha256(convert_to("rollbackBody", 'UTF8')), 'hex'), 'no-rollback'), 'UTF8')), 'hex')
 WHERE "lintOverrideReason" IS NOT NULL;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "contentChecksum" TEXT;

-- AlterTable: each step run keeps the step as it was queued. Runs queued before this keep the step's
-- content as it is now, with no checksum to check it against.
ALTER TABLE "StepRun" ADD COLUMN     "body" TEXT,
ADD COLUMN     "checksum" TEXT,
ADD COLUMN     "config" JSONB,
ADD COLUMN     "kind" "StepKind",
ADD COLUMN     "name" TEXT,
ADD COLUMN     "rollbackBody" TEXT;

UPDATE "StepRun" sr SET "body" = s."body", "checksum" = '', "config" = s."config", "kind" = s."kind", "name" = s."name", "rollbackBody" = s."rollbackBody"
  FROM "Step" s WHERE s."id" = sr."stepId";

ALTER TABLE "StepRun" ALTER COLUMN "body" SET NOT NULL,
ALTER COLUMN "checksum" SET NOT NULL,
ALTER COLUMN "config" SET NOT NULL,
ALTER COLUMN "kind" SET NOT NULL,
ALTER COLUMN "name" SET NOT NULL;

-- AlterTable
ALTER TABLE "MaintenanceWindow" ADD COLUMN     "approvedContent" JSONB;
