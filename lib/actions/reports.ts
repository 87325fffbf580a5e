'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { ZId } from '@/lib/server/fields'
import { takeSnapshot } from '@/lib/server/reports/snapshots'
import { defineAction } from './define-action'

export const takeSnapshotAction = defineAction(
  'plan:edit',
  z.object({ planId: ZId }),
  async ({ planId }, actor) => {
    const snapshot = await takeSnapshot(actor, planId)
    revalidatePath(`/plans/${planId}/report`)
    return snapshot
  },
  { success: () => 'Snapshot taken.' },
)
