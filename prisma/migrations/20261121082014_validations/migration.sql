-- CreateEnum
CREATE TYPE "ValidationStatus" AS ENUM ('QUEUED', 'RUNNING', 'PASSED', 'FAILED', 'ERROR', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RuleSeverity" AS ENUM ('WARNING', 'ERROR');

-- CreateEnum
CREATE TYPE "RuleAction" AS ENUM ('FAIL', 'WARN');

-- AlterTable
ALTER TABLE "SuccessCriterion" ADD COLUMN     "evaluatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "evidenceId" UUID;

-- CreateTable
CREATE TABLE "Validation" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "stepRunId" UUID,
    "requestedById" UUID,
    "status" "ValidationStatus" NOT NULL DEFAULT 'QUEUED',
    "tables" TEXT[],
    "maxSamples" INTEGER NOT NULL DEFAULT 20,
    "maxDifferences" INTEGER NOT NULL DEFAULT 1000,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "workerId" TEXT,
    "report" JSONB,
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Validation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ValidationRule" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "severity" "RuleSeverity" NOT NULL DEFAULT 'ERROR',
    "action" "RuleAction" NOT NULL DEFAULT 'FAIL',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ValidationRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Validation_stepRunId_key" ON "Validation"("stepRunId");

-- CreateIndex
CREATE INDEX "Validation_planId_createdAt_idx" ON "Validation"("planId", "createdAt");

-- CreateIndex
CREATE INDEX "Validation_status_createdAt_idx" ON "Validation"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ValidationRule_planId_position_idx" ON "ValidationRule"("planId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ValidationRule_planId_name_key" ON "ValidationRule"("planId", "name");

-- AddForeignKey
ALTER TABLE "SuccessCriterion" ADD CONSTRAINT "SuccessCriterion_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Validation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Validation" ADD CONSTRAINT "Validation_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Validation" ADD CONSTRAINT "Validation_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Validation" ADD CONSTRAINT "Validation_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Validation" ADD CONSTRAINT "Validation_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValidationRule" ADD CONSTRAINT "ValidationRule_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
