-- CreateEnum
CREATE TYPE "InspectionKind" AS ENUM ('PROFILE', 'PREVIEW');

-- CreateEnum
CREATE TYPE "InspectionStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "SourceInspection" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "kind" "InspectionKind" NOT NULL,
    "status" "InspectionStatus" NOT NULL DEFAULT 'QUEUED',
    "table" TEXT,
    "mapping" JSONB,
    "result" JSONB,
    "error" TEXT,
    "workerId" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SourceInspection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SourceInspection_status_createdAt_idx" ON "SourceInspection"("status", "createdAt");

-- CreateIndex
CREATE INDEX "SourceInspection_requestedById_createdAt_idx" ON "SourceInspection"("requestedById", "createdAt");

-- AddForeignKey
ALTER TABLE "SourceInspection" ADD CONSTRAINT "SourceInspection_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceInspection" ADD CONSTRAINT "SourceInspection_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceInspection" ADD CONSTRAINT "SourceInspection_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
