-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "ownServerAllowed" BOOLEAN NOT NULL DEFAULT false;
