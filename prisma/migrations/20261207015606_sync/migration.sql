-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('COPYING', 'FOLLOWING', 'CUTTING_OVER', 'SWITCHED', 'ENDED', 'FAILED');

-- CreateEnum
CREATE TYPE "SyncDirection" AS ENUM ('FORWARD', 'REVERSE');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "StepKind" ADD VALUE 'SYNC';
ALTER TYPE "StepKind" ADD VALUE 'CUTOVER';

-- CreateTable
CREATE TABLE "Sync" (
    "id" UUID NOT NULL,
    "direction" "SyncDirection" NOT NULL DEFAULT 'FORWARD',
    "forwardId" UUID,
    "planId" UUID NOT NULL,
    "stepId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "runId" UUID,
    "status" "SyncStatus" NOT NULL DEFAULT 'COPYING',
    "engine" "ConnectionEngine" NOT NULL,
    "source" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "scope" JSONB NOT NULL,
    "position" TEXT,
    "appliedChanges" BIGINT NOT NULL DEFAULT 0,
    "waitingChanges" INTEGER NOT NULL DEFAULT 0,
    "lagSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "lagTables" JSONB NOT NULL DEFAULT '[]',
    "lagAt" TIMESTAMPTZ(3),
    "lastAppliedAt" TIMESTAMPTZ(3),
    "workerId" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "error" TEXT,
    "writesStoppedAt" TIMESTAMPTZ(3),
    "switchedAt" TIMESTAMPTZ(3),
    "downtimeMs" INTEGER,
    "cutoverRunId" UUID,
    "sourceCleanedAt" TIMESTAMPTZ(3),
    "endedById" UUID,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Sync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Sync_status_leaseUntil_idx" ON "Sync"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "Sync_planId_environmentId_idx" ON "Sync"("planId", "environmentId");

-- CreateIndex
CREATE UNIQUE INDEX "Sync_stepId_environmentId_direction_key" ON "Sync"("stepId", "environmentId", "direction");

-- AddForeignKey
ALTER TABLE "Sync" ADD CONSTRAINT "Sync_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sync" ADD CONSTRAINT "Sync_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "Step"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sync" ADD CONSTRAINT "Sync_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
