-- AlterTable
ALTER TABLE "Plan" DROP COLUMN "itemCount",
DROP COLUMN "itemsDone",
DROP COLUMN "phasesDone";
