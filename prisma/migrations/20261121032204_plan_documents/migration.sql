-- CreateEnum
CREATE TYPE "StepKind" AS ENUM ('SQL', 'COPY', 'VALIDATE', 'BACKUP', 'MANUAL', 'OBSERVE');

-- AlterTable
ALTER TABLE "ChecklistItem" ADD COLUMN     "group" TEXT;

-- AlterTable
ALTER TABLE "Risk" ADD COLUMN     "extra" JSONB NOT NULL DEFAULT '{}',
ALTER COLUMN "impact" DROP NOT NULL,
ALTER COLUMN "likelihood" DROP NOT NULL;

-- AlterTable
ALTER TABLE "SuccessCriterion" ADD COLUMN     "group" TEXT;

-- CreateTable
CREATE TABLE "Step" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "phaseId" UUID,
    "position" INTEGER NOT NULL,
    "kind" "StepKind" NOT NULL DEFAULT 'SQL',
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "isDraft" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlanNote" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "phaseId" UUID,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "language" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlanNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RollbackStep" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "body" TEXT,
    "language" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RollbackStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TimelineEntry" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimelineEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Step_planId_phaseId_position_idx" ON "Step"("planId", "phaseId", "position");

-- CreateIndex
CREATE INDEX "PlanNote_planId_position_idx" ON "PlanNote"("planId", "position");

-- CreateIndex
CREATE INDEX "RollbackStep_planId_position_idx" ON "RollbackStep"("planId", "position");

-- CreateIndex
CREATE INDEX "TimelineEntry_planId_position_idx" ON "TimelineEntry"("planId", "position");

-- AddForeignKey
ALTER TABLE "Step" ADD CONSTRAINT "Step_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Step" ADD CONSTRAINT "Step_phaseId_fkey" FOREIGN KEY ("phaseId") REFERENCES "Phase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanNote" ADD CONSTRAINT "PlanNote_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanNote" ADD CONSTRAINT "PlanNote_phaseId_fkey" FOREIGN KEY ("phaseId") REFERENCES "Phase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackStep" ADD CONSTRAINT "RollbackStep_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEntry" ADD CONSTRAINT "TimelineEntry_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
