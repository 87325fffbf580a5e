-- AlterTable
ALTER TABLE "TimelineEntry" ADD COLUMN     "after" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "duration" TEXT,
ADD COLUMN     "end" TEXT,
ADD COLUMN     "excludes" TEXT,
ADD COLUMN     "ref" TEXT,
ADD COLUMN     "section" TEXT,
ADD COLUMN     "start" TEXT,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
