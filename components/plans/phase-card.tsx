'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/field'
import {
  blockPhaseAction,
  completePhaseAction,
  movePhaseAction,
  reopenPhaseAction,
  unblockPhaseAction,
  updatePhaseAction,
} from '@/lib/actions/plans'
import type { ChecklistItemDTO, PhaseSummaryDTO } from '@/lib/server/plans/queries'
import { ChecklistItems } from './checklist-items'
import { PhaseForm } from './phase-form'
import { RemoveButton } from './remove-button'
import { AddStep } from './add-step'
import { StepList } from './step-list'
import type { PlanStepChoice } from './sync-step-forms'
import { PhaseStatusBadge } from './status'
import { usePlanCommand } from './use-plan-command'

type Props = {
  phase: PhaseSummaryDTO
  /** The checklist, or null while it is folded away. */
  items: ChecklistItemDTO[] | null
  /** Where the fold/unfold link goes (the page with this phase's checklist toggled). */
  toggleHref: string
  index: number
  count: number
  canEdit: boolean
  /** DBAs: may accept a step's lint errors for protected runs. */
  canAcceptLint?: boolean
  /** The plan's copy and sync steps, which sync and cutover steps name. */
  planSteps?: PlanStepChoice[]
  /** Links SQL steps to their revisions. */
  planId?: string | null
  /** The phase's runs (latest, and starting one), rendered by the page. */
  footer?: React.ReactNode
}

export function PhaseCard({
  phase,
  items,
  toggleHref,
  index,
  count,
  canEdit,
  canAcceptLint = false,
  planSteps = [],
  planId = null,
  footer,
}: Props) {
  const { error, pending, run } = usePlanCommand()
  const [blocking, setBlocking] = useState(false)
  const [editing, setEditing] = useState(false)
  const [reason, setReason] = useState('')
  const done = phase.status === 'DONE'
  const marked = phase.completedAt !== null
  const plannedWindow = [
    phase.plannedLabel,
    phase.plannedStart && phase.plannedEnd ? `${phase.plannedStart} → ${phase.plannedEnd}` : phase.plannedStart,
  ]
    .filter(Boolean)
    .join(' · ')
  return (
    <section
      aria-labelledby={`phase-${phase.id}`}
      data-testid="phase"
      className="rounded-lg border border-zinc-200 bg-white shadow-xs"
    >
      <header className="flex flex-wrap items-start gap-3 border-b border-zinc-100 px-5 py-3">
        <div className="min-w-0 flex-1">
          <h3 id={`phase-${phase.id}`} className="font-semibold text-zinc-900">
            <span className="mr-2 text-zinc-500 tabular-nums">{index + 1}.</span>
            {phase.name}
          </h3>
          <p className="text-xs text-zinc-500">
            {plannedWindow || 'No planned window'}
            {phase.goal ? ` · ${phase.goal}` : ''}
          </p>
          {phase.blockedReason ? <p className="mt-1 text-sm text-red-700">Blocked: {phase.blockedReason}</p> : null}
          {marked && phase.completedByName ? (
            <p className="mt-1 text-xs text-emerald-700">Marked done by {phase.completedByName}</p>
          ) : null}
          {done && !marked ? (
            <p className="mt-1 text-xs text-emerald-700">Done: every step ran on {phase.lastEnvironment}</p>
          ) : null}
        </div>
        <PhaseStatusBadge status={phase.status} />
        {canEdit ? (
          <div className="flex flex-wrap gap-1">
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Move ${phase.name} up`}
              disabled={pending || index === 0}
              onClick={() => run(() => movePhaseAction({ phaseId: phase.id, direction: 'up' }))}
            >
              ↑
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Move ${phase.name} down`}
              disabled={pending || index === count - 1}
              onClick={() => run(() => movePhaseAction({ phaseId: phase.id, direction: 'down' }))}
            >
              ↓
            </Button>
            {marked ? (
              <Button
                size="sm"
                variant="secondary"
                disabled={pending}
                onClick={() => run(() => reopenPhaseAction({ phaseId: phase.id }))}
              >
                Reopen
              </Button>
            ) : done ? null : (
              <Button
                size="sm"
                variant="secondary"
                disabled={pending || phase.activeRunOn !== null}
                onClick={() => run(() => completePhaseAction({ phaseId: phase.id }))}
              >
                Mark done
              </Button>
            )}
            <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {editing ? 'Close' : 'Edit'}
            </Button>
            {phase.blockedReason ? (
              <Button
                size="sm"
                variant="secondary"
                disabled={pending}
                onClick={() => run(() => unblockPhaseAction({ phaseId: phase.id }))}
              >
                Unblock
              </Button>
            ) : !done ? (
              <Button
                size="sm"
                variant="ghost"
                disabled={pending}
                onClick={() => setBlocking((b) => !b)}
                aria-expanded={blocking}
              >
                Block…
              </Button>
            ) : null}
          </div>
        ) : null}
      </header>
      {error ? (
        <p role="alert" className="border-b border-red-100 bg-red-50 px-5 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {editing && canEdit ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <PhaseForm
            action={updatePhaseAction}
            hidden={{ phaseId: phase.id }}
            submitLabel="Save phase"
            idPrefix={`edit-${phase.id}`}
            initial={phase}
            onSuccess={() => setEditing(false)}
          />
          {done ? null : (
            <div className="mt-3 border-t border-zinc-100 pt-3">
              <RemoveButton
                kind="phase"
                id={phase.id}
                label={phase.name}
                detail={
                  phase.itemCount > 0
                    ? `with its ${phase.itemCount} checklist item${phase.itemCount === 1 ? '' : 's'}`
                    : undefined
                }
              />
            </div>
          )}
        </div>
      ) : null}
      {blocking && canEdit ? (
        <form
          className="flex flex-wrap items-end gap-2 border-b border-zinc-100 px-5 py-3"
          onSubmit={(event) => {
            event.preventDefault()
            run(async () => {
              const result = await blockPhaseAction({ phaseId: phase.id, reason })
              if (result.ok) setBlocking(false)
              return result
            })
          }}
        >
          <div className="min-w-0 flex-1 text-sm">
            <label htmlFor={`block-reason-${phase.id}`} className="mb-1 block font-medium text-zinc-700">
              Why is {phase.name} blocked?
            </label>
            <Input
              name="reason"
              id={`block-reason-${phase.id}`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              autoFocus
              className="py-1.5"
            />
          </div>
          <Button type="submit" size="sm" variant="danger" disabled={pending}>
            Block phase
          </Button>
        </form>
      ) : null}
      <div className="px-5 pt-2 pb-3">
        <p className="flex flex-wrap items-center gap-x-3 text-xs text-zinc-500">
          <span data-testid="phase-counts">
            {phase.itemCount === 0 ? 'No checklist items yet' : `${phase.doneCount} of ${phase.itemCount} items done`}
            {phase.openRequiredCount > 0 ? ` · ${phase.openRequiredCount} required open` : ''}
          </span>
          {phase.stepCount > 0 ? (
            <span data-testid="phase-steps-done">
              {phase.lastEnvironment
                ? `${phase.stepsDone} of ${phase.stepCount} step${phase.stepCount === 1 ? '' : 's'} done on ${phase.lastEnvironment}`
                : `${phase.stepCount} step${phase.stepCount === 1 ? '' : 's'}, no environment yet`}
            </span>
          ) : null}
          {phase.activeRunOn && !done ? (
            <span>A run on {phase.activeRunOn} has not ended: the phase can be marked done after it.</span>
          ) : null}
          {phase.itemCount > 0 || items === null ? (
            <Link href={toggleHref} scroll={false} replace className="font-medium text-indigo-700 hover:underline">
              {items === null ? 'Show checklist' : 'Hide checklist'}
              <span className="sr-only"> of {phase.name}</span>
            </Link>
          ) : null}
        </p>
        {items === null ? null : (
          <ChecklistItems items={items} canEdit={canEdit && !marked} home={{ phaseId: phase.id }} />
        )}
        {phase.steps.length ? (
          <div className="mt-3">
            <StepList
              steps={phase.steps}
              planId={planId}
              label={`Steps of ${phase.name}`}
              canEdit={canEdit}
              canAcceptLint={canAcceptLint}
              planSteps={planSteps}
            />
          </div>
        ) : null}
        {canEdit ? <AddStep phaseId={phase.id} planSteps={planSteps} /> : null}
        {footer ? <div className="mt-3 border-t border-zinc-100 pt-3">{footer}</div> : null}
      </div>
    </section>
  )
}
