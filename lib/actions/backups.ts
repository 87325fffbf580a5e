'use server'

import { revalidatePath } from 'next/cache'
import { requestRestore } from '@/lib/server/backups/commands'
import { ZRequestRestore } from '@/lib/server/backups/schemas'
import { defineAction } from './define-action'

export const requestRestoreAction = defineAction(
  'backup:restore',
  ZRequestRestore,
  async (input, actor) => {
    const restore = await requestRestore(actor, input)
    revalidatePath('/plans', 'layout')
    return restore
  },
  { success: () => 'Restore queued; the worker starts it within a second.' },
)
