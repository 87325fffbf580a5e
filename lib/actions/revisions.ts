'use server'

import { revalidatePath } from 'next/cache'
import { acceptChecksum, restoreRevision } from '@/lib/server/revisions/commands'
import { ZAcceptChecksum, ZRestoreRevision } from '@/lib/server/revisions/schemas'
import { defineAction } from './define-action'

export const restoreRevisionAction = defineAction(
  'plan:edit',
  ZRestoreRevision,
  async (input, actor) => {
    const result = await restoreRevision(actor, input)
    revalidatePath('/plans', 'layout')
    return result
  },
  { success: ({ number }) => `Saved as revision ${number}.` },
)

// The data layer re-reads the role in its transaction: only DBAs (and admins) accept a new checksum.
export const acceptChecksumAction = defineAction('run:resolve', ZAcceptChecksum, async (input, actor) => {
  const result = await acceptChecksum(actor, input)
  revalidatePath('/plans', 'layout')
  revalidatePath('/runs', 'layout')
  return result
})
