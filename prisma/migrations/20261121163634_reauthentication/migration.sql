-- AlterTable
ALTER TABLE "User" ADD COLUMN     "secondFactorAt" TIMESTAMPTZ(3),
ADD COLUMN     "secondFactorSession" UUID;
