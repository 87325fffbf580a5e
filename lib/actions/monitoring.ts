'use server'

import { signalBackend } from '@/lib/server/monitoring/commands'
import { ZSignalBackend } from '@/lib/server/monitoring/schemas'
import { defineAction } from './define-action'

export const signalBackendAction = defineAction(
  'connection:manage',
  ZSignalBackend,
  async (input, actor) => signalBackend(actor, input),
  { success: (outcome) => outcome.message },
)
