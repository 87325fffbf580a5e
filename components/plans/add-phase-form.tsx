'use client'

import { addPhaseAction } from '@/lib/actions/plans'
import { PhaseForm } from './phase-form'

export function AddPhaseForm({ planId }: { planId: string }) {
  return (
    <PhaseForm
      action={addPhaseAction}
      hidden={{ planId }}
      submitLabel="Add phase"
      idPrefix="new-phase"
      className="rounded-lg border border-dashed border-zinc-300 bg-white p-4"
    />
  )
}
