-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "coveringBackupId" UUID,
ADD COLUMN     "rehearsalId" UUID;

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "requireBackupHours" INTEGER,
ADD COLUMN     "requireRehearsal" BOOLEAN NOT NULL DEFAULT false;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_coveringBackupId_fkey" FOREIGN KEY ("coveringBackupId") REFERENCES "Backup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_rehearsalId_fkey" FOREIGN KEY ("rehearsalId") REFERENCES "RollbackRehearsal"("id") ON DELETE SET NULL ON UPDATE CASCADE;
