'use server'

import { requestInspection } from '@/lib/server/inspections/commands'
import { ZRequestInspection } from '@/lib/server/inspections/schemas'
import { defineAction } from './define-action'

export const requestSourceInspectionAction = defineAction('plan:edit', ZRequestInspection, async (input, actor) =>
  requestInspection(actor, input),
)
