-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "resolvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "windowId" UUID;

-- CreateIndex
CREATE INDEX "Notification_windowId_idx" ON "Notification"("windowId");

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "MaintenanceWindow"("id") ON DELETE CASCADE ON UPDATE CASCADE;
