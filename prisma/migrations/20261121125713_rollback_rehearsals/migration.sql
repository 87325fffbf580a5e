-- CreateEnum
CREATE TYPE "RehearsalStatus" AS ENUM ('QUEUED', 'RUNNING', 'IDENTICAL', 'DIFFERENT', 'FAILED');

-- CreateTable
CREATE TABLE "RollbackRehearsal" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "phaseId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "status" "RehearsalStatus" NOT NULL DEFAULT 'QUEUED',
    "checksum" TEXT,
    "stepNames" TEXT[],
    "differences" JSONB,
    "error" TEXT,
    "stepsRun" INTEGER NOT NULL DEFAULT 0,
    "seconds" DOUBLE PRECISION,
    "workerId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RollbackRehearsal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RollbackRehearsal_planId_phaseId_createdAt_idx" ON "RollbackRehearsal"("planId", "phaseId", "createdAt");

-- CreateIndex
CREATE INDEX "RollbackRehearsal_status_createdAt_idx" ON "RollbackRehearsal"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "RollbackRehearsal" ADD CONSTRAINT "RollbackRehearsal_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackRehearsal" ADD CONSTRAINT "RollbackRehearsal_phaseId_fkey" FOREIGN KEY ("phaseId") REFERENCES "Phase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackRehearsal" ADD CONSTRAINT "RollbackRehearsal_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackRehearsal" ADD CONSTRAINT "RollbackRehearsal_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
