'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import {
  addRule,
  bindCriterion,
  cancelValidation,
  editRule,
  removeRule,
  requestValidation,
} from '@/lib/server/validations/commands'
import {
  ZAddRule,
  ZBindCriterion,
  ZCancelValidation,
  ZEditRule,
  ZRemoveRule,
  ZRequestValidation,
} from '@/lib/server/validations/schemas'
import { defineAction } from './define-action'

export const requestValidationAction = defineAction('run:start', ZRequestValidation, async (input, actor) => {
  const { id } = await requestValidation(actor, input)
  revalidatePath(`/plans/${input.planId}/validation`)
  redirect(`/plans/${input.planId}/validation?v=${id}`)
})

export const cancelValidationAction = defineAction('run:start', ZCancelValidation, async ({ validationId }, actor) =>
  cancelValidation(actor, validationId),
)

const revalidatePlans = <T>(result: T) => {
  revalidatePath('/plans', 'layout')
  return result
}

export const addRuleAction = defineAction('plan:edit', ZAddRule, async (input, actor) =>
  revalidatePlans(await addRule(actor, input)),
)
export const editRuleAction = defineAction('plan:edit', ZEditRule, async (input, actor) =>
  revalidatePlans(await editRule(actor, input)),
)
export const removeRuleAction = defineAction('plan:edit', ZRemoveRule, async ({ ruleId }, actor) =>
  revalidatePlans(await removeRule(actor, ruleId)),
)
export const bindCriterionAction = defineAction('plan:edit', ZBindCriterion, async (input, actor) =>
  revalidatePlans(await bindCriterion(actor, input)),
)
