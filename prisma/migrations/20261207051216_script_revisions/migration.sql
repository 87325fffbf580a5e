-- CreateTable
CREATE TABLE "ScriptRevision" (
    "id" UUID NOT NULL,
    "stepId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "rollbackBody" TEXT,
    "scriptsChecksum" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "restoredFrom" INTEGER,
    "authorId" UUID,
    "authorLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScriptRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcceptedChecksum" (
    "id" UUID NOT NULL,
    "stepId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "fromChecksum" TEXT NOT NULL,
    "toChecksum" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "acceptedById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AcceptedChecksum_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScriptRevision_stepId_scriptsChecksum_idx" ON "ScriptRevision"("stepId", "scriptsChecksum");

-- CreateIndex
CREATE UNIQUE INDEX "ScriptRevision_stepId_number_key" ON "ScriptRevision"("stepId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "AcceptedChecksum_stepId_environmentId_toChecksum_key" ON "AcceptedChecksum"("stepId", "environmentId", "toChecksum");

-- AddForeignKey
ALTER TABLE "ScriptRevision" ADD CONSTRAINT "ScriptRevision_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "Step"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScriptRevision" ADD CONSTRAINT "ScriptRevision_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcceptedChecksum" ADD CONSTRAINT "AcceptedChecksum_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "Step"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcceptedChecksum" ADD CONSTRAINT "AcceptedChecksum_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcceptedChecksum" ADD CONSTRAINT "AcceptedChecksum_acceptedById_fkey" FOREIGN KEY ("acceptedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Existing SQL steps get their current text as revision 1, so every step has a history from the start
-- (scriptsChecksum as lib/server/step-content.ts computes it).
INSERT INTO "ScriptRevision" ("id", "stepId", "number", "body", "rollbackBody", "scriptsChecksum", "origin", "authorLabel", "createdAt")
SELECT gen_random_uuid(), s."id", 1, s."body", s."rollbackBody",
       encode(sha256(convert_to(
         encode(sha256(convert_to(s."body", 'UTF8')), 'hex') || ' ' ||
         CASE WHEN s."rollbackBody" IS NULL THEN 'no-rollback'
              ELSE encode(sha256(convert_to(s."rollbackBody", 'UTF8')), 'hex') END, 'UTF8')), 'hex'),
       'existing', 'system', s."updatedAt"
  FROM "Step" s
 WHERE s."kind" = 'SQL';
