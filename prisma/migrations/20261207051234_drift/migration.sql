-- CreateEnum
CREATE TYPE "DriftStatus" AS ENUM ('QUEUED', 'RUNNING', 'RECORDED', 'CLEAN', 'DRIFTED', 'FAILED');

-- CreateEnum
CREATE TYPE "DriftTrigger" AS ENUM ('ON_DEMAND', 'BEFORE_RUN', 'PERIODIC');

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'TARGET_DRIFTED';

-- CreateTable
CREATE TABLE "SchemaRecord" (
    "id" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "runId" UUID,
    "snapshot" JSONB NOT NULL,
    "objects" INTEGER NOT NULL,
    "takenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SchemaRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftCheck" (
    "id" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "recordId" UUID,
    "trigger" "DriftTrigger" NOT NULL,
    "status" "DriftStatus" NOT NULL DEFAULT 'QUEUED',
    "requestedById" UUID,
    "runId" UUID,
    "report" JSONB,
    "fingerprint" TEXT,
    "objects" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "workerId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "acknowledgedById" UUID,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgeReason" TEXT,

    CONSTRAINT "DriftCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SchemaRecord_connectionId_takenAt_idx" ON "SchemaRecord"("connectionId", "takenAt");

-- CreateIndex
CREATE INDEX "DriftCheck_connectionId_createdAt_idx" ON "DriftCheck"("connectionId", "createdAt");

-- CreateIndex
CREATE INDEX "DriftCheck_status_createdAt_idx" ON "DriftCheck"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "SchemaRecord" ADD CONSTRAINT "SchemaRecord_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftCheck" ADD CONSTRAINT "DriftCheck_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftCheck" ADD CONSTRAINT "DriftCheck_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "SchemaRecord"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftCheck" ADD CONSTRAINT "DriftCheck_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftCheck" ADD CONSTRAINT "DriftCheck_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One drift check waits or runs per target at a time: asking again while one is queued finds that one.
CREATE UNIQUE INDEX "DriftCheck_one_open_per_connection" ON "DriftCheck"("connectionId") WHERE "status" IN ('QUEUED', 'RUNNING');
