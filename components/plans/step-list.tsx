'use client'

import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { setStepReadyAction } from '@/lib/actions/plans'
import type { StepDTO } from '@/lib/server/plans/queries'

const KIND_LABELS: Record<StepDTO['kind'], string> = { SQL: 'SQL', COPY: 'Copy', VALIDATE: 'Validate', BACKUP: 'Backup', MANUAL: 'Manual', OBSERVE: 'Observe', SCRIPT: 'Script' }

/** A phase's steps and kept scripts, each unfolding to its body. */
export function StepList({ steps, label, canEdit = false }: { steps: StepDTO[]; label: string; canEdit?: boolean }) {
  if (steps.length === 0) return null
  return (
    <ul className="space-y-1" aria-label={label}>
      {steps.map((step) => (
        <li key={step.id} data-testid="step">
          <details className="rounded-md border border-zinc-200 bg-zinc-50 text-sm">
            <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-1.5">
              <Badge tone={step.kind === 'SCRIPT' ? 'neutral' : 'info'}>{KIND_LABELS[step.kind]}</Badge>
              <span className="font-medium">{step.name}</span>
              {step.kind === 'SCRIPT' ? <span className="text-xs text-zinc-500">kept as a note{step.language ? ` · ${step.language}` : ''}</span> : null}
              {step.isDraft && step.kind !== 'SCRIPT' ? <span className="text-xs text-amber-700">draft</span> : null}
            </summary>
            <pre className="max-h-96 overflow-auto border-t border-zinc-200 bg-white px-3 py-2 font-mono text-xs whitespace-pre">{step.body}</pre>
          </details>
          {canEdit && step.kind === 'SQL' ? (
            <Button size="sm" variant="ghost" onClick={() => void setStepReadyAction({ stepId: step.id, ready: step.isDraft ? 'on' : '' })}>
              {step.isDraft ? 'Mark ready to run' : 'Back to draft'}
              <span className="sr-only"> “{step.name}”</span>
            </Button>
          ) : null}
        </li>
      ))}
    </ul>
  )
}
