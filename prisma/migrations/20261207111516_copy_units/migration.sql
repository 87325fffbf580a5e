-- CreateEnum
CREATE TYPE "CopyUnitState" AS ENUM ('QUEUED', 'CLAIMED', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "CopyUnit" (
    "id" UUID NOT NULL,
    "stepRunId" UUID NOT NULL,
    "copyId" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "tableName" TEXT NOT NULL,
    "part" INTEGER NOT NULL,
    "lo" TEXT,
    "hi" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,
    "state" "CopyUnitState" NOT NULL DEFAULT 'QUEUED',
    "workerId" TEXT,
    "claimedBy" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "leaseUntil" TIMESTAMPTZ(3),
    "rowsWritten" BIGINT NOT NULL DEFAULT 0,
    "rowsRejected" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CopyUnit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CopyUnit_state_leaseUntil_idx" ON "CopyUnit"("state", "leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "CopyUnit_stepRunId_copyId_tableName_part_key" ON "CopyUnit"("stepRunId", "copyId", "tableName", "part");

-- AddForeignKey
ALTER TABLE "CopyUnit" ADD CONSTRAINT "CopyUnit_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
