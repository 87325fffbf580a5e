-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'WAITING';

-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "lint" JSONB,
ADD COLUMN     "lintOverrideAt" TIMESTAMPTZ(3),
ADD COLUMN     "lintOverrideById" UUID,
ADD COLUMN     "lintOverrideReason" TEXT,
ADD COLUMN     "removedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "retryFailed" BOOLEAN NOT NULL DEFAULT false;

-- AddForeignKey
ALTER TABLE "Step" ADD CONSTRAINT "Step_lintOverrideById_fkey" FOREIGN KEY ("lintOverrideById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
