'use client'

import { useState } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { ErrorText } from '@/components/ui/error-text'
import { Field, NumberField, Select } from '@/components/ui/field'
import { addCutoverStepAction, addSyncStepAction, editCutoverStepAction, editSyncStepAction } from '@/lib/actions/syncs'
import { COPY_CONFIG_DEFAULTS } from '@/lib/domain/step-kinds'
import { CUTOVER_CONFIG_DEFAULTS, MAX_QUIET_SECONDS } from '@/lib/domain/sync'
import type { StepDTO } from '@/lib/server/plans/queries'
import { CopySettingsFields } from './copy-settings-fields'
import { StepNameField } from './step-fields'

/** A copy or sync step of the plan a sync or cutover step may name. */
export type PlanStepChoice = { id: string; name: string; kind: 'COPY' | 'SYNC'; phaseName: string }

const FORM = 'mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3'

const choiceLabel = (s: PlanStepChoice) => `${s.name} (${s.phaseName})`

/** What the sync and cutover forms are given: where they add, the step they edit, the plan's steps to choose from. */
type SyncFormProps = { phaseId: string; step?: StepDTO; planSteps: PlanStepChoice[]; onSuccess: () => void }

/**
 * Adds a sync step (`step` given: edits one): an initial copy – a copy step's settings, or its own – then the
 * source's changes followed until a cutover step (or a DBA) ends it.
 */
export function SyncStepForm({ phaseId, step, planSteps, onSuccess }: SyncFormProps) {
  const prefix = step ? `edit-sync-${step.id}` : `sync-${phaseId}`
  const config = step?.sync ?? { ...COPY_CONFIG_DEFAULTS, copyStepId: null, captureConfirmed: false }
  const copySteps = planSteps.filter((s) => s.kind === 'COPY')
  const [follow, setFollow] = useState(config.copyStepId !== null)
  // Following a copy step, the copy fields are not on the form: the schema still reads them, so say "none".
  const hidden = { ...(step ? { stepId: step.id } : { phaseId }), ...(follow ? { tables: '', mode: 'create' } : {}) }
  return (
    <ActionForm
      action={step ? editSyncStepAction : addSyncStepAction}
      hidden={hidden}
      submitLabel={step ? 'Save step' : 'Add sync step'}
      onSuccess={onSuccess}
      className={FORM}
    >
      {(errors) => (
        <>
          <StepNameField prefix={prefix} errors={errors} name={step?.name} placeholder="e.g. Keep the target in sync" />
          <fieldset className="space-y-1 text-sm">
            <legend className="font-medium">What it copies first, then follows</legend>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name={`${prefix}-what`}
                checked={follow}
                disabled={copySteps.length === 0}
                onChange={() => setFollow(true)}
                className="mt-1 size-4 shrink-0 accent-indigo-600"
              />
              <span>
                Follow the copy step…{' '}
                <span className="text-zinc-500">
                  {copySteps.length
                    ? '– its tables, mode and mapping'
                    : '– this plan has no copy step yet; add one first to use its settings'}
                </span>
              </span>
            </label>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name={`${prefix}-what`}
                checked={!follow}
                onChange={() => setFollow(false)}
                className="mt-1 size-4 shrink-0 accent-indigo-600"
              />
              <span>Its own copy settings</span>
            </label>
          </fieldset>
          {follow ? (
            <Field label="Copy step" name="copyStepId" id={`${prefix}-copy-step`} errors={errors?.copyStepId}>
              <div className="max-w-md">
                <Select
                  name="copyStepId"
                  id={`${prefix}-copy-step`}
                  defaultValue={config.copyStepId ?? copySteps[0]?.id}
                  invalid={!!errors?.copyStepId}
                >
                  {copySteps.map((s) => (
                    <option key={s.id} value={s.id}>
                      {choiceLabel(s)}
                    </option>
                  ))}
                </Select>
              </div>
            </Field>
          ) : (
            <CopySettingsFields prefix={prefix} errors={errors} config={config} />
          )}
          <div className="space-y-1 rounded-md border border-amber-200 bg-amber-50 p-2 text-sm">
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                name="captureConfirmed"
                required
                aria-required="true"
                aria-invalid={!!errors?.captureConfirmed || undefined}
                aria-describedby={`${prefix}-capture-hint`}
                defaultChecked={config.captureConfirmed}
                className="mt-1 size-4 shrink-0 accent-indigo-600"
              />
              <span>
                <span className="font-medium">Changes may be captured in the source</span> (required)
              </span>
            </label>
            <p id={`${prefix}-capture-hint`} className="text-xs text-amber-900">
              A SQLite source gets triggers and a <code className="font-mono">_lockstep_sync_…</code> change table in
              its file, so that every insert, update and delete reaches the target. They stay until the sync ends (by a
              cutover, or a DBA ending it); then they are removed and nothing is left in the file. A PostgreSQL source
              is followed through logical replication instead, with a publication and a replication slot that are
              likewise removed when the sync ends.
            </p>
            <ErrorText message={errors?.captureConfirmed?.[0] ?? null} />
          </div>
          <p className="text-xs text-zinc-600">
            The step copies, then hands the sync to the workers, which keep applying the source&apos;s changes to the
            target in the background; the run goes on. A cutover step ends it.
          </p>
        </>
      )}
    </ActionForm>
  )
}

/**
 * Adds a cutover step (`step` given: edits one): ends a sync of the plan – drains it, sets sequences, validates
 * exactly and switches, recording the downtime.
 */
export function CutoverStepForm({ phaseId, step, planSteps, onSuccess }: SyncFormProps) {
  const prefix = step ? `edit-cutover-${step.id}` : `cutover-${phaseId}`
  const config = step?.cutover ?? CUTOVER_CONFIG_DEFAULTS
  const syncSteps = planSteps.filter((s) => s.kind === 'SYNC')
  return (
    <ActionForm
      action={step ? editCutoverStepAction : addCutoverStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add cutover step'}
      onSuccess={onSuccess}
      className={FORM}
    >
      {(errors) => (
        <>
          <StepNameField prefix={prefix} errors={errors} name={step?.name} placeholder="e.g. Cut over to PostgreSQL" />
          <Field
            label="Sync step it ends"
            name="syncStepId"
            id={`${prefix}-sync-step`}
            errors={errors?.syncStepId}
            hint="Blank: the plan's only sync step."
          >
            <div className="max-w-md">
              <Select
                name="syncStepId"
                id={`${prefix}-sync-step`}
                defaultValue={config.syncStepId ?? ''}
                invalid={!!errors?.syncStepId}
              >
                <option value="">The plan&apos;s only sync step</option>
                {syncSteps.map((s) => (
                  <option key={s.id} value={s.id}>
                    {choiceLabel(s)}
                  </option>
                ))}
              </Select>
            </div>
          </Field>
          <NumberField
            label="Quiet seconds"
            name="quietSeconds"
            id={`${prefix}-quiet`}
            errors={errors?.quietSeconds}
            hint={`Without a gate before it: how long the source must make no change (1–${MAX_QUIET_SECONDS}).`}
            min={1}
            max={MAX_QUIET_SECONDS}
            className="w-28"
            defaultValue={config.quietSeconds}
          />
          <p className="text-xs text-zinc-600">
            Writes count as stopped when a manual gate before the cutover in the same phase (e.g. “Stop writes to the
            source”) is released; without one, once the source has been quiet for these seconds. The cutover then drains
            the changes still waiting, sets sequences, validates exactly and switches; the downtime is counted from when
            writes stopped to the switch. If the validation finds a difference, the sync goes on following.
          </p>
          <p className="text-xs text-zinc-600">
            To keep the downtime short, validate every table while the sync still follows (a validate step before the
            gate, or Validate now): the cutover then compares only the rows changed since, and the row counts.
          </p>
        </>
      )}
    </ActionForm>
  )
}
