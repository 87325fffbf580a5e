-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "detail" JSONB;

-- CreateTable
CREATE TABLE "CopyReject" (
    "id" UUID NOT NULL,
    "stepRunId" UUID NOT NULL,
    "copyId" TEXT NOT NULL,
    "tableName" TEXT NOT NULL,
    "rowKey" TEXT NOT NULL,
    "column" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "value" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CopyReject_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CopyReject_stepRunId_tableName_idx" ON "CopyReject"("stepRunId", "tableName");

-- CreateIndex
CREATE UNIQUE INDEX "CopyReject_copyId_tableName_rowKey_column_key" ON "CopyReject"("copyId", "tableName", "rowKey", "column");

-- AddForeignKey
ALTER TABLE "CopyReject" ADD CONSTRAINT "CopyReject_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
