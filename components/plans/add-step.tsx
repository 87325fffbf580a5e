'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'
import {
  BackupStepForm,
  CopyStepForm,
  ManualStepForm,
  ObserveStepForm,
  SqlStepForm,
  ValidateStepForm,
} from './step-forms'
import { CutoverStepForm, SyncStepForm, type PlanStepChoice } from './sync-step-forms'

const KINDS = [
  ['sql', '+ Add SQL step…'],
  ['copy', '+ Add copy step…'],
  ['sync', '+ Add sync step…'],
  ['cutover', '+ Add cutover step…'],
  ['validate', '+ Add validate step…'],
  ['observe', '+ Add observe step…'],
  ['backup', '+ Add backup step…'],
  ['gate', '+ Add manual gate…'],
] as const
type Kind = (typeof KINDS)[number][0]

/**
 * A phase's "add step": one button that shows the kinds of step, each opening its form below them (one at a
 * time). The kinds stay hidden until asked for: a plan of many phases would otherwise show eight buttons each.
 */
export function AddStep({ phaseId, planSteps }: { phaseId: string; planSteps: PlanStepChoice[] }) {
  const [choosing, setChoosing] = useState(false)
  const [adding, setAdding] = useState<Kind | null>(null)
  const done = () => setAdding(null)
  return (
    <div className="mt-2">
      <Button
        size="sm"
        variant="ghost"
        aria-expanded={choosing}
        onClick={() => {
          setChoosing((c) => !c)
          setAdding(null)
        }}
      >
        + Add a step…
      </Button>
      {choosing ? (
        <div role="group" aria-label="Kinds of step" className="mt-1 flex flex-wrap">
          {KINDS.map(([kind, label]) => (
            <Button
              key={kind}
              size="sm"
              variant="ghost"
              aria-expanded={adding === kind}
              onClick={() => setAdding((a) => (a === kind ? null : kind))}
            >
              {adding === kind ? 'Close' : label}
            </Button>
          ))}
        </div>
      ) : null}
      {adding === 'sql' ? <SqlStepForm phaseId={phaseId} onSuccess={done} /> : null}
      {adding === 'copy' ? <CopyStepForm phaseId={phaseId} onSuccess={done} /> : null}
      {adding === 'sync' ? <SyncStepForm phaseId={phaseId} planSteps={planSteps} onSuccess={done} /> : null}
      {adding === 'cutover' ? <CutoverStepForm phaseId={phaseId} planSteps={planSteps} onSuccess={done} /> : null}
      {adding === 'validate' ? <ValidateStepForm phaseId={phaseId} onSuccess={done} /> : null}
      {adding === 'observe' ? <ObserveStepForm phaseId={phaseId} onSuccess={done} /> : null}
      {adding === 'backup' ? <BackupStepForm phaseId={phaseId} onSuccess={done} /> : null}
      {adding === 'gate' ? <ManualStepForm phaseId={phaseId} onSuccess={done} /> : null}
    </div>
  )
}
