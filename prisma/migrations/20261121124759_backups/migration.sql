-- CreateEnum
CREATE TYPE "BackupFormat" AS ENUM ('PG_DUMP', 'SQLITE');

-- CreateEnum
CREATE TYPE "BackupStatus" AS ENUM ('RUNNING', 'VERIFIED', 'FAILED', 'PRUNED');

-- CreateTable
CREATE TABLE "Backup" (
    "id" UUID NOT NULL,
    "planId" UUID,
    "connectionId" UUID,
    "connectionName" TEXT NOT NULL,
    "stepRunId" UUID,
    "format" "BackupFormat" NOT NULL,
    "tables" TEXT[],
    "fileName" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    "toolVersion" TEXT,
    "serverVersion" TEXT,
    "status" "BackupStatus" NOT NULL DEFAULT 'RUNNING',
    "verifiedAt" TIMESTAMPTZ(3),
    "verification" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "prunedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Backup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Backup_stepRunId_key" ON "Backup"("stepRunId");

-- CreateIndex
CREATE INDEX "Backup_connectionId_createdAt_idx" ON "Backup"("connectionId", "createdAt");

-- CreateIndex
CREATE INDEX "Backup_planId_createdAt_idx" ON "Backup"("planId", "createdAt");

-- CreateIndex
CREATE INDEX "Backup_status_createdAt_idx" ON "Backup"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
