-- AlterTable
ALTER TABLE "Sync" ADD COLUMN     "endedById" UUID,
ADD COLUMN     "sourceCleanedAt" TIMESTAMPTZ(3);
