'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { LazyDetails } from '@/components/ui/lazy-details'
import { Timestamp } from '@/components/ui/timestamp'
import { overrideLintAction, removeStepAction, setStepReadyAction } from '@/lib/actions/plans'
import { formatDuration } from '@/lib/domain/words'
import type { StepDTO } from '@/lib/server/plans/queries'
import { LintBadge, LintTable } from './lint-report'
import { BackupStepForm, CopyStepForm, ObserveStepForm, SqlStepForm, ValidateStepForm } from './step-forms'
import { CutoverStepForm, SyncStepForm, type PlanStepChoice } from './sync-step-forms'

const KIND_LABELS: Record<StepDTO['kind'], string> = {
  SQL: 'SQL',
  COPY: 'Copy',
  VALIDATE: 'Validate',
  BACKUP: 'Backup',
  MANUAL: 'Manual gate',
  OBSERVE: 'Observe',
  SYNC: 'Sync',
  CUTOVER: 'Cutover',
  SCRIPT: 'Script',
}

const EXISTING_ROWS_LABELS: Record<NonNullable<StepDTO['copy']>['existingRows'], string> = {
  refuse: 'stops at tables with rows',
  empty: 'empties tables with rows first',
  merge: 'merges into rows there by primary key',
}

const describeCopy = (c: NonNullable<StepDTO['copy']>) =>
  [
    c.tables.length
      ? `${c.tables.length} table${c.tables.length === 1 ? '' : 's'} (${c.tables.slice(0, 4).join(', ')}${c.tables.length > 4 ? '…' : ''})`
      : 'every table',
    c.schemas.length ? `schema${c.schemas.length === 1 ? '' : 's'} ${c.schemas.join(', ')}` : null,
    c.mode === 'create' ? 'tables created' : 'into existing tables',
    c.mode === 'existing'
      ? `${EXISTING_ROWS_LABELS[c.existingRows]}${c.existingRows === 'empty' && !c.emptyConfirmed ? ' (not confirmed: the step stops)' : ''}`
      : null,
    c.mapping.tables.length
      ? `mapping of ${c.mapping.tables.length} table${c.mapping.tables.length === 1 ? '' : 's'} (${c.mapping.tables
          .slice(0, 3)
          .map((t) => (t.rename ? `${t.table} → ${t.rename}` : t.table))
          .join(', ')}${c.mapping.tables.length > 3 ? '…' : ''})`
      : null,
    `${c.jobs} connection${c.jobs === 1 ? '' : 's'}`,
    c.maxRejectedRows ? `up to ${c.maxRejectedRows.toLocaleString('en')} rejected rows` : 'no rejected rows allowed',
    c.reload ? 'copied again each run' : null,
  ]
    .filter(Boolean)
    .join(' · ')

const describeValidate = (c: NonNullable<StepDTO['validate']>) =>
  [
    c.tables.length ? `${c.tables.length} table${c.tables.length === 1 ? '' : 's'}` : 'all tables',
    c.integrity ? 'with integrity checks' : 'without integrity checks',
    `suspends a table after ${c.maxDifferences.toLocaleString('en')} differences`,
  ].join(' · ')

const describeObserve = (c: NonNullable<StepDTO['observe']>) =>
  `watches the target for ${formatDuration(c.seconds)} · ${c.rollback === 'start' ? 'a fired trigger starts the rollback' : 'a fired trigger fails the step; a DBA decides on the rollback'}`

const describeBackup = (c: NonNullable<StepDTO['backup']>) =>
  `${c.of}${c.tables.length ? `: ${c.tables.join(', ')}` : ', whole database'}`

const stepName = (planSteps: PlanStepChoice[], id: string) =>
  planSteps.find((s) => s.id === id)?.name ?? 'a removed step'

const describeSync = (c: NonNullable<StepDTO['sync']>, planSteps: PlanStepChoice[]) =>
  [
    c.copyStepId ? `copies and follows what “${stepName(planSteps, c.copyStepId)}” copies` : describeCopy(c),
    c.captureConfirmed ? 'change capture in the source confirmed' : 'change capture not confirmed: the step stops',
  ].join(' · ')

const describeCutover = (c: NonNullable<StepDTO['cutover']>, planSteps: PlanStepChoice[]) =>
  [
    c.syncStepId ? `ends “${stepName(planSteps, c.syncStepId)}”` : 'ends the plan’s only sync',
    `after a released gate before it, or ${formatDuration(c.quietSeconds)} without changes`,
  ].join(' · ')

const EDITABLE = new Set<StepDTO['kind']>(['SQL', 'COPY', 'VALIDATE', 'OBSERVE', 'BACKUP', 'SYNC', 'CUTOVER'])

function StepItem({
  step,
  planId,
  canEdit,
  canAcceptLint,
  planSteps,
}: {
  step: StepDTO
  planId: string | null
  canEdit: boolean
  canAcceptLint: boolean
  planSteps: PlanStepChoice[]
}) {
  const [editing, setEditing] = useState(false)
  const runnable = step.kind !== 'SCRIPT'
  return (
    <li data-testid="step">
      <LazyDetails
        className="rounded-md border border-zinc-200 bg-zinc-50 text-sm"
        summaryClassName="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-1.5"
        summary={
          <>
            <Badge tone={step.kind === 'SCRIPT' ? 'neutral' : 'info'}>{KIND_LABELS[step.kind]}</Badge>
            <span className="font-medium">{step.name}</span>
            {step.kind === 'SCRIPT' ? (
              <span className="text-xs text-zinc-500">kept as a note{step.language ? ` · ${step.language}` : ''}</span>
            ) : null}
            {step.isDraft && runnable ? <span className="text-xs text-amber-700">draft</span> : null}
            {step.kind === 'SQL' && !step.isDraft ? (
              <LintBadge lint={step.lint} accepted={!!step.lintOverride} />
            ) : null}
            {step.kind === 'MANUAL' && step.requireChecklist ? (
              <span className="text-xs text-zinc-500">needs the required checklist items done</span>
            ) : null}
            {step.copy ? <span className="text-xs text-zinc-500">{describeCopy(step.copy)}</span> : null}
            {step.validate ? <span className="text-xs text-zinc-500">{describeValidate(step.validate)}</span> : null}
            {step.observe ? <span className="text-xs text-zinc-500">{describeObserve(step.observe)}</span> : null}
            {step.backup ? <span className="text-xs text-zinc-500">{describeBackup(step.backup)}</span> : null}
            {step.sync ? <span className="text-xs text-zinc-500">{describeSync(step.sync, planSteps)}</span> : null}
            {step.cutover ? (
              <span className="text-xs text-zinc-500">{describeCutover(step.cutover, planSteps)}</span>
            ) : null}
          </>
        }
      >
        {step.body ? (
          <pre className="max-h-96 overflow-auto border-t border-zinc-200 bg-white px-3 py-2 font-mono text-xs whitespace-pre-wrap">
            {step.body}
          </pre>
        ) : null}
        {step.rollbackBody ? (
          <div className="border-t border-zinc-200">
            <p className="px-3 pt-2 text-xs font-medium text-zinc-600">Rollback script</p>
            <pre className="max-h-48 overflow-auto bg-white px-3 py-2 font-mono text-xs whitespace-pre-wrap">
              {step.rollbackBody}
            </pre>
          </div>
        ) : null}
        {step.kind === 'SQL' && (step.statementTimeoutSeconds || step.lockTimeoutMs) ? (
          <p className="border-t border-zinc-200 px-3 py-1 text-xs text-zinc-600">
            {step.statementTimeoutSeconds ? `Statement timeout ${step.statementTimeoutSeconds} s. ` : ''}
            {step.lockTimeoutMs ? `Lock timeout ${step.lockTimeoutMs} ms.` : ''}
          </p>
        ) : null}
        {step.lint ? <LintTable lint={step.lint} /> : null}
        {step.kind === 'SQL' && planId ? (
          <p className="border-t border-zinc-200 px-3 py-1.5 text-xs">
            <Link href={`/plans/${planId}/steps/${step.id}`} className="text-indigo-700 hover:underline">
              Revisions, where they ran, and diffs<span className="sr-only"> of “{step.name}”</span>
            </Link>
          </p>
        ) : null}
        {step.lintOverride ? (
          <p className="border-t border-zinc-200 px-3 py-2 text-xs text-amber-900" data-testid="lint-override">
            Lint errors accepted for protected runs by {step.lintOverride.byName ?? 'a former user'} (
            <Timestamp iso={step.lintOverride.at} />
            ): “{step.lintOverride.reason}”
          </p>
        ) : null}
      </LazyDetails>
      {canEdit && runnable ? (
        <div className="flex flex-wrap items-center gap-1 py-0.5">
          {EDITABLE.has(step.kind) ? (
            <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {editing ? 'Close editor' : 'Edit'}
              <span className="sr-only"> “{step.name}”</span>
            </Button>
          ) : null}
          {step.kind === 'SQL' ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => void setStepReadyAction({ stepId: step.id, ready: step.isDraft ? 'on' : '' })}
            >
              {step.isDraft ? 'Mark ready to run' : 'Back to draft'}
              <span className="sr-only"> “{step.name}”</span>
            </Button>
          ) : null}
          {canAcceptLint && step.lint && step.lint.errors > 0 && !step.lintOverride ? (
            <ConfirmDialog
              triggerLabel={
                <>
                  Accept lint errors…<span className="sr-only"> of “{step.name}”</span>
                </>
              }
              triggerVariant="ghost"
              tone="primary"
              title={`Accept the lint errors of “${step.name}”?`}
              description="Error-level findings block runs on protected environments. Accepting them lets this script run there as it is; the reason is kept with the step and in the audit log, and any edit of the script takes the acceptance away."
              note={{
                label: 'Why is it safe to run?',
                hint: 'e.g. the table has 40 rows; the lock lasts milliseconds.',
              }}
              confirmLabel="Accept"
              onConfirm={async (reason) => {
                const result = await overrideLintAction({ stepId: step.id, reason })
                return result.ok ? null : result.error
              }}
            />
          ) : null}
          <ConfirmDialog
            triggerLabel={
              <>
                Remove<span className="sr-only"> “{step.name}”</span>
              </>
            }
            triggerVariant="ghost"
            title={`Remove “${step.name}”?`}
            description="The step leaves the phase and is not part of new runs. Runs that used it keep showing it."
            confirmLabel="Remove step"
            onConfirm={async () => {
              const result = await removeStepAction({ stepId: step.id })
              return result.ok ? null : result.error
            }}
          />
        </div>
      ) : null}
      {editing && step.kind === 'SQL' ? (
        <SqlStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'COPY' ? (
        <CopyStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'VALIDATE' ? (
        <ValidateStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'OBSERVE' ? (
        <ObserveStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'BACKUP' ? (
        <BackupStepForm phaseId="" step={step} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'SYNC' ? (
        <SyncStepForm phaseId="" step={step} planSteps={planSteps} onSuccess={() => setEditing(false)} />
      ) : null}
      {editing && step.kind === 'CUTOVER' ? (
        <CutoverStepForm phaseId="" step={step} planSteps={planSteps} onSuccess={() => setEditing(false)} />
      ) : null}
    </li>
  )
}

/** A phase's steps and kept scripts, each unfolding (rendered when first opened) to its body and lint findings. */
export function StepList({
  steps,
  planId = null,
  label,
  canEdit = false,
  canAcceptLint = false,
  planSteps = [],
}: {
  steps: StepDTO[]
  /** Links SQL steps to their revisions. */
  planId?: string | null
  label: string
  canEdit?: boolean
  canAcceptLint?: boolean
  /** The plan's copy and sync steps, which sync and cutover steps name. */
  planSteps?: PlanStepChoice[]
}) {
  if (steps.length === 0) return null
  return (
    <ul className="space-y-1" aria-label={label}>
      {steps.map((step) => (
        <StepItem
          key={step.id}
          step={step}
          planId={planId}
          canEdit={canEdit}
          canAcceptLint={canAcceptLint}
          planSteps={planSteps}
        />
      ))}
    </ul>
  )
}
