// The plan list shows each plan's progress without counting checklists on every view: the counts are
// kept on the Plan row, recomputed from scratch (never incremented, so they cannot drift) by every edit
// inside its transaction – see editPlan. `$1` is an array of plan ids.
export const PLAN_ROLLUP_SQL = `
  UPDATE "Plan" p
     SET "phaseCount" = ph.n, "phasesDone" = ph.done, "itemCount" = pi.n + ci.n, "itemsDone" = pi.done + ci.done, "openRiskCount" = r.n
    FROM unnest($1::uuid[]) AS x("id")
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(f."completedAt")::int AS done FROM "Phase" f WHERE f."planId" = x."id") ph
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(i."doneAt")::int AS done
                         FROM "Phase" f JOIN "ChecklistItem" i ON i."phaseId" = f."id" WHERE f."planId" = x."id") pi
   CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(i."doneAt")::int AS done
                         FROM "Checklist" c JOIN "ChecklistItem" i ON i."checklistId" = c."id" WHERE c."planId" = x."id") ci
   CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM "Risk" r WHERE r."planId" = x."id" AND r."status" = 'OPEN') r
   WHERE p."id" = x."id"`
