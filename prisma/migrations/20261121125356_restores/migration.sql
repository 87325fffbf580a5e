-- CreateEnum
CREATE TYPE "RestoreStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "Restore" (
    "id" UUID NOT NULL,
    "backupId" UUID NOT NULL,
    "connectionId" UUID,
    "connectionName" TEXT NOT NULL,
    "requestedById" UUID NOT NULL,
    "overSource" BOOLEAN NOT NULL DEFAULT false,
    "status" "RestoreStatus" NOT NULL DEFAULT 'QUEUED',
    "workerId" TEXT,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Restore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Restore_status_createdAt_idx" ON "Restore"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Restore_backupId_idx" ON "Restore"("backupId");

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "Backup"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
