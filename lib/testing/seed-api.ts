// What the browser specs seed their data with: the app's own commands, so every row they add comes with its
// audit event, its approvals reopened and the plan's rollup counts, as if a person had added it. Imported
// dynamically (e2e/fixtures/seed.ts), after DATABASE_URL names the app's database: the Prisma client reads it
// when first imported.
export { createEnvironment } from '@/lib/server/connections/commands'
export { ZEnvironment } from '@/lib/server/connections/schemas'
export { addItem, setItemDone } from '@/lib/server/plans/checklist-commands'
export { setPlanEnvironment } from '@/lib/server/plans/environment-commands'
export { addPhase, blockPhase, completePhase } from '@/lib/server/plans/phase-commands'
export { createPlan } from '@/lib/server/plans/plan-commands'
export { addRisk } from '@/lib/server/plans/register-commands'
export { addCopyStep, addManualStep, addSqlStep } from '@/lib/server/plans/step-commands'
export {
  ZAddCopyStep,
  ZAddItem,
  ZAddManualStep,
  ZAddPhase,
  ZAddRisk,
  ZAddSqlStep,
  ZBlockPhase,
  ZCreatePlan,
  ZSetPlanEnvironment,
} from '@/lib/server/plans/schemas'
export { requestWindow } from '@/lib/server/windows/commands'
export { ZRequestWindow } from '@/lib/server/windows/schemas'
