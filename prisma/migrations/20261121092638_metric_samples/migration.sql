-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "watchedUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" BIGSERIAL NOT NULL,
    "connectionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,
    "data" JSONB,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MetricSample_connectionId_at_idx" ON "MetricSample"("connectionId", "at");

-- CreateIndex
CREATE INDEX "MetricSample_at_idx" ON "MetricSample"("at");

-- AddForeignKey
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
