'use server'

import { revalidatePath } from 'next/cache'
import { ZPlanRef } from '@/lib/server/plans/schemas'
import { takeSnapshot } from '@/lib/server/reports/snapshots'
import { defineAction } from './define-action'

export const takeSnapshotAction = defineAction(
  'plan:edit',
  ZPlanRef,
  async ({ planId }, actor) => {
    const snapshot = await takeSnapshot(actor, planId)
    revalidatePath(`/plans/${planId}/report`)
    return snapshot
  },
  { success: () => 'Snapshot taken.' },
)
