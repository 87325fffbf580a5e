-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('ON_TRACK', 'AT_RISK', 'BLOCKED', 'DONE', 'ROLLED_BACK');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('WINDOW_AWAITING_APPROVAL', 'WINDOW_APPROVED', 'WINDOW_REJECTED', 'RUN_FAILED', 'PLAN_STATUS_CHANGED');

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "reportStatus" "ReportStatus";

-- CreateTable
CREATE TABLE "ReportSnapshot" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "takenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE,
    "takenById" UUID,
    "status" "ReportStatus" NOT NULL,
    "progress" INTEGER NOT NULL,
    "phasesDone" INTEGER NOT NULL,
    "openRisks" INTEGER NOT NULL,
    "criticalRisks" INTEGER NOT NULL,
    "risksOpened" INTEGER NOT NULL,
    "risksClosed" INTEGER NOT NULL,
    "report" JSONB NOT NULL,

    CONSTRAINT "ReportSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "planId" UUID,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "href" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportSnapshot_planId_takenAt_idx" ON "ReportSnapshot"("planId", "takenAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReportSnapshot_planId_day_key" ON "ReportSnapshot"("planId", "day");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_idx" ON "Notification"("userId", "readAt");

-- AddForeignKey
ALTER TABLE "ReportSnapshot" ADD CONSTRAINT "ReportSnapshot_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportSnapshot" ADD CONSTRAINT "ReportSnapshot_takenById_fkey" FOREIGN KEY ("takenById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
