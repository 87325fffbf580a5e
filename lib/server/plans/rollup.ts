// The plan list shows each plan's phase and open-risk counts without counting them on every view: they are
// kept on the Plan row, recomputed from scratch (never incremented, so they cannot drift) by every edit
// inside its transaction – see editPlan. Progress is not kept here: runs move it too (see progress.ts).
// `$1` is an array of plan ids.
export const PLAN_ROLLUP_SQL = `
  UPDATE "Plan" p
     SET "phaseCount" = ph.n, "openRiskCount" = r.n
    FROM unnest($1::uuid[]) AS x("id")
   CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM "Phase" f WHERE f."planId" = x."id") ph
   CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM "Risk" r WHERE r."planId" = x."id" AND r."status" = 'OPEN') r
   WHERE p."id" = x."id"`
