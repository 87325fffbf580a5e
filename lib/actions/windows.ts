'use server'

import { revalidatePath } from 'next/cache'
import { approveWindow, cancelWindow, rejectWindow, requestWindow } from '@/lib/server/windows/commands'
import { ZDecideWindow, ZRejectWindow, ZRequestWindow, ZWindowId } from '@/lib/server/windows/schemas'
import { defineAction } from './define-action'

const done = <T>(result: T) => {
  revalidatePath('/', 'layout') // the navigation badge counts pending windows
  return result
}

export const requestWindowAction = defineAction(
  'window:request',
  ZRequestWindow,
  async (input, actor) => done(await requestWindow(actor, input)),
  {
    success: () => 'Window requested; a DBA will decide on it.',
  },
)
export const approveWindowAction = defineAction('window:approve', ZDecideWindow, async (input, actor) =>
  done(await approveWindow(actor, input)),
)
export const rejectWindowAction = defineAction('window:approve', ZRejectWindow, async (input, actor) =>
  done(await rejectWindow(actor, input)),
)
export const cancelWindowAction = defineAction('window:request', ZWindowId, async ({ windowId }, actor) =>
  done(await cancelWindow(actor, windowId)),
)
