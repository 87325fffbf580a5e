-- AlterTable
ALTER TABLE "RollbackTrigger" ADD COLUMN     "sustainedSeconds" INTEGER NOT NULL DEFAULT 0;
