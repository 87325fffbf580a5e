-- One active run per phase and environment, one validation asked for per plan and environment, one
-- restore per connection. A check before the insert does not see a concurrent transaction's row; a unique
-- index does. Prisma's schema cannot say "unique where", so these indexes live only here (the migration
-- drift test lists them). The states named in each WHERE are the ones the commands check.

-- Duplicates that got in before: per key, the one furthest along is kept (executing, then stopped, then
-- queued; the oldest first) and the others end as a person would end them, each logged and audited.
WITH ranked AS (
  SELECT "id", "status", row_number() OVER (
           PARTITION BY "phaseId", "environmentId"
           ORDER BY CASE "status" WHEN 'RUNNING' THEN 0 WHEN 'ROLLING_BACK' THEN 0 WHEN 'WAITING' THEN 1 WHEN 'INTERRUPTED' THEN 1 ELSE 2 END, "createdAt", "id") AS n
    FROM "Run" WHERE "status" IN ('QUEUED', 'RUNNING', 'WAITING', 'INTERRUPTED', 'ROLLING_BACK')
), ended AS (
  UPDATE "Run" r
     SET "status" = CASE WHEN ranked."status" = 'ROLLING_BACK' THEN 'ROLLBACK_FAILED'::"RunStatus" ELSE 'CANCELLED'::"RunStatus" END,
         "cancelRequested" = true, "workerId" = NULL, "finishedAt" = now(), "updatedAt" = now(),
         "error" = CASE WHEN ranked."status" = 'ROLLING_BACK' THEN 'Stopped when Lockstep was upgraded: another run of this phase on this environment was under way.' ELSE r."error" END
    FROM ranked
   WHERE ranked."id" = r."id" AND ranked.n > 1
  RETURNING r."id", r."planId", ranked."status"::text AS "before", r."status"::text AS "after"
), steps AS (
  UPDATE "StepRun" s SET "status" = 'CANCELLED' FROM ended WHERE s."runId" = ended."id" AND s."status" IN ('PENDING', 'WAITING')
), logged AS (
  INSERT INTO "RunEvent" ("runId", "level", "message")
  SELECT "id", 'warn', 'Ended when Lockstep was upgraded: another run of this phase on this environment was already under way, and only one may be at a time.' FROM ended
)
INSERT INTO "AuditEvent" ("actorLabel", "action", "entityType", "entityId", "planId", "before", "after", "origin")
SELECT 'system', 'run.cancel', 'Run', "id"::text, "planId", jsonb_build_object('status', "before"), jsonb_build_object('status', "after", 'reason', 'another run of the phase on the environment was under way'), 'migration'
  FROM ended;

CREATE UNIQUE INDEX "Run_one_active_per_phase_environment" ON "Run"("phaseId", "environmentId")
  WHERE "status" IN ('QUEUED', 'RUNNING', 'WAITING', 'INTERRUPTED', 'ROLLING_BACK');

-- Validations of validate steps belong to their run (one run per phase and environment at a time).
WITH ranked AS (
  SELECT "id", row_number() OVER (PARTITION BY "planId", "environmentId" ORDER BY ("status" <> 'RUNNING'), "createdAt", "id") AS n
    FROM "Validation" WHERE "stepRunId" IS NULL AND "status" IN ('QUEUED', 'RUNNING')
), ended AS (
  UPDATE "Validation" v SET "status" = 'CANCELLED', "cancelRequested" = true, "workerId" = NULL, "finishedAt" = now(), "updatedAt" = now()
    FROM ranked WHERE ranked."id" = v."id" AND ranked.n > 1
  RETURNING v."id", v."planId"
)
INSERT INTO "AuditEvent" ("actorLabel", "action", "entityType", "entityId", "planId", "before", "after", "origin")
SELECT 'system', 'validation.cancel', 'Validation', "id"::text, "planId", NULL, jsonb_build_object('status', 'CANCELLED', 'reason', 'another validation of the plan on the environment was under way'), 'migration'
  FROM ended;

CREATE UNIQUE INDEX "Validation_one_requested_per_plan_environment" ON "Validation"("planId", "environmentId")
  WHERE "stepRunId" IS NULL AND "status" IN ('QUEUED', 'RUNNING');

WITH ranked AS (
  SELECT "id", row_number() OVER (PARTITION BY "connectionId" ORDER BY ("status" <> 'RUNNING'), "createdAt", "id") AS n
    FROM "Restore" WHERE "connectionId" IS NOT NULL AND "status" IN ('QUEUED', 'RUNNING')
), ended AS (
  UPDATE "Restore" r SET "status" = 'FAILED', "workerId" = NULL, "finishedAt" = now(),
         "error" = 'Not run: another restore into this connection was under way when Lockstep was upgraded. Ask for it again.'
    FROM ranked WHERE ranked."id" = r."id" AND ranked.n > 1
  RETURNING r."id", r."backupId", r."connectionName"
)
INSERT INTO "AuditEvent" ("actorLabel", "action", "entityType", "entityId", "planId", "before", "after", "origin")
SELECT 'system', 'restore.fail', 'Restore', ended."id"::text, b."planId", NULL, jsonb_build_object('into', ended."connectionName", 'error', 'another restore into this connection was under way'), 'migration'
  FROM ended JOIN "Backup" b ON b."id" = ended."backupId";

CREATE UNIQUE INDEX "Restore_one_active_per_connection" ON "Restore"("connectionId")
  WHERE "status" IN ('QUEUED', 'RUNNING');
