'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import type { z } from 'zod'
import { addChecklist, addItem, setItemDone, updateItem } from '@/lib/server/plans/checklist-commands'
import { movePlanEnvironment, setPlanEnvironment } from '@/lib/server/plans/environment-commands'
import {
  addBackupStep,
  addCopyStep,
  addManualStep,
  editBackupStep,
  addObserveStep,
  addSqlStep,
  addValidateStep,
  editCopyStep,
  editObserveStep,
  editSqlStep,
  editValidateStep,
  overrideLint,
  removeStep,
  setStepReady,
} from '@/lib/server/plans/step-commands'
import {
  addPhase,
  blockPhase,
  completePhase,
  movePhase,
  reopenPhase,
  unblockPhase,
  updatePhase,
} from '@/lib/server/plans/phase-commands'
import { archivePlan, createPlan, restorePlan, updatePlan } from '@/lib/server/plans/plan-commands'
import { addCriterion, addRisk, addTrigger, updateRisk } from '@/lib/server/plans/register-commands'
import { removeFromPlan, setCriterionStatus } from '@/lib/server/plans/remove-commands'
import {
  ZAddChecklist,
  ZAddCriterion,
  ZAddItem,
  ZAddPhase,
  ZAddRisk,
  ZAddTrigger,
  ZBlockPhase,
  ZCreatePlan,
  ZPlanRef,
  ZMovePhase,
  ZPhaseId,
  ZRemove,
  ZSetCriterionStatus,
  ZSetItemDone,
  ZSetPlanEnvironment,
  ZMovePlanEnvironment,
  ZAddCopyStep,
  ZAddValidateStep,
  ZAddObserveStep,
  ZAddBackupStep,
  ZEditBackupStep,
  ZEditObserveStep,
  ZAddManualStep,
  ZEditCopyStep,
  ZEditValidateStep,
  ZAddSqlStep,
  ZEditSqlStep,
  ZOverrideLint,
  ZRemoveStep,
  ZSetStepReady,
  ZUpdateItem,
  ZUpdatePhase,
  ZUpdatePlan,
  ZUpdateRisk,
} from '@/lib/server/plans/schemas'
import type { UserActor } from '@/lib/server/actor'
import { defineAction } from './define-action'

export const createPlanAction = defineAction('plan:edit', ZCreatePlan, async (input, actor) => {
  const { id } = await createPlan(actor, input)
  revalidatePath('/plans')
  redirect(`/plans/${id}`)
})

export const updatePlanAction = defineAction('plan:edit', ZUpdatePlan, async (input, actor) => {
  const { id } = await updatePlan(actor, input)
  revalidatePath('/plans', 'layout')
  redirect(`/plans/${id}`)
})

/** An edit within a plan page: the page's data is re-rendered in the same response. */
function planAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>, actor: UserActor) => Promise<T>) {
  return defineAction('plan:edit', schema, async (input, actor) => {
    const result = await handler(input, actor)
    revalidatePath('/plans', 'layout')
    return result
  })
}

export const archivePlanAction = planAction(ZPlanRef, async ({ planId }, actor) => archivePlan(actor, planId))
export const restorePlanAction = planAction(ZPlanRef, async ({ planId }, actor) => restorePlan(actor, planId))
export const addPhaseAction = planAction(ZAddPhase, async (input, actor) => addPhase(actor, input))
export const updatePhaseAction = planAction(ZUpdatePhase, async (input, actor) => updatePhase(actor, input))
export const movePhaseAction = planAction(ZMovePhase, async (input, actor) => movePhase(actor, input))
export const completePhaseAction = planAction(ZPhaseId, async (input, actor) => completePhase(actor, input))
export const reopenPhaseAction = planAction(ZPhaseId, async (input, actor) => reopenPhase(actor, input))
export const blockPhaseAction = planAction(ZBlockPhase, async (input, actor) => blockPhase(actor, input))
export const unblockPhaseAction = planAction(ZPhaseId, async (input, actor) => unblockPhase(actor, input))
export const addChecklistAction = planAction(ZAddChecklist, async (input, actor) => addChecklist(actor, input))
export const addItemAction = planAction(ZAddItem, async (input, actor) => addItem(actor, input))
export const setItemDoneAction = planAction(ZSetItemDone, async (input, actor) => setItemDone(actor, input))
export const addRiskAction = planAction(ZAddRisk, async (input, actor) => addRisk(actor, input))
export const updateRiskAction = planAction(ZUpdateRisk, async (input, actor) => updateRisk(actor, input))
export const addCriterionAction = planAction(ZAddCriterion, async (input, actor) => addCriterion(actor, input))
export const addTriggerAction = planAction(ZAddTrigger, async (input, actor) => addTrigger(actor, input))
export const removeFromPlanAction = planAction(ZRemove, async (input, actor) => removeFromPlan(actor, input))
export const setCriterionStatusAction = planAction(ZSetCriterionStatus, async (input, actor) =>
  setCriterionStatus(actor, input),
)
export const updateItemAction = planAction(ZUpdateItem, async (input, actor) => updateItem(actor, input))
export const setPlanEnvironmentAction = planAction(ZSetPlanEnvironment, async (input, actor) =>
  setPlanEnvironment(actor, input),
)
export const movePlanEnvironmentAction = planAction(ZMovePlanEnvironment, async (input, actor) =>
  movePlanEnvironment(actor, input),
)
export const addSqlStepAction = planAction(ZAddSqlStep, async (input, actor) => addSqlStep(actor, input))
export const setStepReadyAction = planAction(ZSetStepReady, async (input, actor) => setStepReady(actor, input))
export const editSqlStepAction = planAction(ZEditSqlStep, async (input, actor) => editSqlStep(actor, input))
export const addManualStepAction = planAction(ZAddManualStep, async (input, actor) => addManualStep(actor, input))
export const addCopyStepAction = planAction(ZAddCopyStep, async (input, actor) => addCopyStep(actor, input))
export const editCopyStepAction = planAction(ZEditCopyStep, async (input, actor) => editCopyStep(actor, input))
export const addValidateStepAction = planAction(ZAddValidateStep, async (input, actor) => addValidateStep(actor, input))
export const editValidateStepAction = planAction(ZEditValidateStep, async (input, actor) =>
  editValidateStep(actor, input),
)
export const addObserveStepAction = planAction(ZAddObserveStep, async (input, actor) => addObserveStep(actor, input))
export const editObserveStepAction = planAction(ZEditObserveStep, async (input, actor) => editObserveStep(actor, input))
export const addBackupStepAction = planAction(ZAddBackupStep, async (input, actor) => addBackupStep(actor, input))
export const editBackupStepAction = planAction(ZEditBackupStep, async (input, actor) => editBackupStep(actor, input))
export const removeStepAction = planAction(ZRemoveStep, async (input, actor) => removeStep(actor, input))
// The data layer re-checks that the actor is a DBA (run:resolve) inside the plan's transaction.
export const overrideLintAction = planAction(ZOverrideLint, async (input, actor) => overrideLint(actor, input))
