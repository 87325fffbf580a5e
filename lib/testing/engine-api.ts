// What tests with worker processes of their own set a plan up with. Imported dynamically, after the test has
// pointed DATABASE_URL at its own database (the Prisma client reads it when first imported).
export { db } from '@/lib/db'
export { makeUser } from '@/lib/testing/factories'
export { createConnection, createEnvironment } from '@/lib/server/connections/commands'
export { ZConnection } from '@/lib/server/connections/schemas'
export { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
export { createPlan } from '@/lib/server/plans/plan-commands'
export { addPhase } from '@/lib/server/plans/phase-commands'
export { addCopyStep, addObserveStep, addSqlStep, addValidateStep } from '@/lib/server/plans/step-commands'
export {
  ZAddCopyStep,
  ZAddObserveStep,
  ZAddPhase,
  ZAddSqlStep,
  ZAddValidateStep,
  ZCreatePlan,
} from '@/lib/server/plans/schemas'
export { cancelRun, startRun } from '@/lib/server/runs/commands'
export { retryRun } from '@/lib/server/runs/resolve'
export { addManualStep } from '@/lib/server/plans/step-commands'
export { ZAddManualStep } from '@/lib/server/plans/schemas'
export { addCutoverStep, addSyncStep } from '@/lib/server/plans/sync-steps'
export { ZAddCutoverStep, ZAddSyncStep } from '@/lib/server/plans/sync-schemas'
export { releaseGate } from '@/lib/server/runs/resolve'
