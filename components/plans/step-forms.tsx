'use client'

import { useMutation } from '@tanstack/react-query'
import { useRef } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import { Field, Input, NumberField, Select, TextArea } from '@/components/ui/field'
import {
  addBackupStepAction,
  addCopyStepAction,
  addManualStepAction,
  addObserveStepAction,
  addSqlStepAction,
  addValidateStepAction,
  editBackupStepAction,
  editCopyStepAction,
  editObserveStepAction,
  editSqlStepAction,
  editValidateStepAction,
} from '@/lib/actions/plans'
import {
  BACKUP_CONFIG_DEFAULTS,
  COPY_CONFIG_DEFAULTS,
  OBSERVE_CONFIG_DEFAULTS,
  VALIDATE_CONFIG_DEFAULTS,
} from '@/lib/domain/step-kinds'
import type { StepDTO } from '@/lib/server/plans/queries'
import type { StepLintDTO } from '@/lib/server/plans/lint'
import { LintBadge, LintTable } from './lint-report'
import { CopySettingsFields } from './copy-settings-fields'
import { SchemasField, TablesField, ValidationLimitsFields, StepNameField } from './step-fields'

const SCRIPT = 'block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs'

/** Adds a SQL step to a phase, or edits one (`step` given). The script is parsed and linted on save. */
export function SqlStepForm({ phaseId, step, onSuccess }: { phaseId: string; step?: StepDTO; onSuccess: () => void }) {
  const prefix = step ? `edit-step-${step.id}` : `step-${phaseId}`
  const script = useRef<HTMLTextAreaElement>(null)
  // "Check lint" while writing: the same parser and linter as on save, nothing stored.
  const check = useMutation({
    mutationFn: async (sql: string): Promise<StepLintDTO> => {
      const response = await fetch('/api/sql/lint', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sql }),
      })
      const body = (await response.json().catch(() => ({ error: 'The linter did not answer.' }))) as
        StepLintDTO | { error: string }
      if ('error' in body) throw new Error(body.error)
      return body
    },
  })
  return (
    <ActionForm
      action={step ? editSqlStepAction : addSqlStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add step'}
      pendingLabel="Parsing and linting…"
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <StepNameField prefix={prefix} errors={errors} name={step?.name} placeholder="e.g. Add status column" />
          <Field
            label="SQL script"
            name="body"
            id={`${prefix}-body`}
            errors={errors?.body}
            hint="Runs in one transaction unless a statement cannot (CREATE INDEX CONCURRENTLY…). Saving parses it with PostgreSQL's parser and lints it."
          >
            <textarea
              ref={script}
              name="body"
              id={`${prefix}-body`}
              rows={step ? 10 : 6}
              className={SCRIPT}
              spellCheck={false}
              defaultValue={step?.body}
              aria-invalid={!!errors?.body || undefined}
            />
          </Field>
          <div className="space-y-2" data-testid="lint-preview">
            <div className="flex flex-wrap items-center gap-2">
              <Button
                size="sm"
                variant="secondary"
                disabled={check.isPending}
                onClick={() => check.mutate(script.current?.value ?? '')}
              >
                {check.isPending ? 'Linting…' : 'Check lint'}
              </Button>
              {check.data ? <LintBadge lint={check.data} accepted={false} /> : null}
            </div>
            <ErrorText message={check.error?.message ?? null} />
            {check.data ? (
              <div className="overflow-x-auto rounded-md border border-zinc-200">
                <LintTable lint={check.data} />
              </div>
            ) : null}
          </div>
          <Field
            label="Rollback script (optional)"
            name="rollbackBody"
            id={`${prefix}-rollback`}
            errors={errors?.rollbackBody}
            hint="Run, newest step first, when a DBA rolls a failed run back."
          >
            <textarea
              name="rollbackBody"
              id={`${prefix}-rollback`}
              rows={3}
              className={SCRIPT}
              spellCheck={false}
              defaultValue={step?.rollbackBody ?? ''}
            />
          </Field>
          <div className="flex flex-wrap gap-4">
            <NumberField
              label="Statement timeout (seconds)"
              name="statementTimeoutSeconds"
              id={`${prefix}-st`}
              errors={errors?.statementTimeoutSeconds}
              hint="Empty: 300."
              min={1}
              className="w-32"
              defaultValue={step?.statementTimeoutSeconds ?? ''}
            />
            <NumberField
              label="Lock timeout (ms)"
              name="lockTimeoutMs"
              id={`${prefix}-lt`}
              errors={errors?.lockTimeoutMs}
              hint="Empty: 1000, retried 3 times."
              min={10}
              className="w-32"
              defaultValue={step?.lockTimeoutMs ?? ''}
            />
          </div>
          {step && errors?.appliedDecision ? (
            <div role="alert" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
              <p className="text-amber-900" data-testid="applied-warning">
                {errors.appliedDecision[0]}
              </p>
              <div className="flex flex-wrap gap-2">
                <Button type="submit" size="sm" name="appliedDecision" value="new-step">
                  Add the change as a new step
                </Button>
                <Button type="submit" size="sm" variant="secondary" name="appliedDecision" value="edit">
                  Edit anyway – a DBA will have to accept the new checksum on each environment where it ran
                </Button>
              </div>
            </div>
          ) : step ? (
            <p className="text-xs text-amber-800">
              Every save keeps a revision. If this script already ran on a target, saving a change asks first: an
              applied script is not edited.
            </p>
          ) : null}
        </>
      )}
    </ActionForm>
  )
}

/** Adds a manual gate: the run stops there until a person releases it. */
export function ManualStepForm({ phaseId, onSuccess }: { phaseId: string; onSuccess: () => void }) {
  const prefix = `gate-${phaseId}`
  return (
    <ActionForm
      action={addManualStepAction}
      hidden={{ phaseId }}
      submitLabel="Add gate"
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <Field label="Gate name" name="name" id={`${prefix}-name`} errors={errors?.name}>
            <Input
              name="name"
              id={`${prefix}-name`}
              maxLength={200}
              invalid={!!errors?.name}
              placeholder="e.g. Application team confirms read-only mode"
            />
          </Field>
          <Field
            label="Instructions (optional)"
            name="instructions"
            id={`${prefix}-instructions`}
            errors={errors?.instructions}
          >
            <TextArea name="instructions" id={`${prefix}-instructions`} rows={3} maxLength={10_000} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="requireChecklist" className="size-4 accent-indigo-600" />
            Release only when the phase&apos;s required checklist items are done
          </label>
        </>
      )}
    </ActionForm>
  )
}

/**
 * Adds a copy step (`step` given: edits one): the plan's source into its target on the run's environment,
 * the tables named (or all), into tables it creates or into the application's own tables – with a choice
 * for the rows those already have.
 */
export function CopyStepForm({ phaseId, step, onSuccess }: { phaseId: string; step?: StepDTO; onSuccess: () => void }) {
  const prefix = step ? `edit-copy-${step.id}` : `copy-${phaseId}`
  const config = step?.copy ?? COPY_CONFIG_DEFAULTS
  return (
    <ActionForm
      action={step ? editCopyStepAction : addCopyStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add copy step'}
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <StepNameField
            prefix={prefix}
            errors={errors}
            name={step?.name}
            placeholder="e.g. Copy the data from SQLite"
          />
          <CopySettingsFields prefix={prefix} errors={errors} config={config} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="reload" defaultChecked={config.reload} className="size-4 accent-indigo-600" />
            Copy again in later runs even when already copied (the copied tables are emptied first)
          </label>
          <p className="text-xs text-zinc-600">
            The source and target are the plan&apos;s connections on the environment a run is started for.
          </p>
        </>
      )}
    </ActionForm>
  )
}

/**
 * Adds a validate step (`step` given: edits one): the plan's target compared with its source on the run's
 * environment – counts, checksums down to the differing rows, integrity, the plan's custom rules.
 */
export function ValidateStepForm({
  phaseId,
  step,
  onSuccess,
}: {
  phaseId: string
  step?: StepDTO
  onSuccess: () => void
}) {
  const prefix = step ? `edit-validate-${step.id}` : `validate-${phaseId}`
  const config = step?.validate ?? VALIDATE_CONFIG_DEFAULTS
  return (
    <ActionForm
      action={step ? editValidateStepAction : addValidateStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add validate step'}
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <StepNameField prefix={prefix} errors={errors} name={step?.name} placeholder="e.g. Verify data integrity" />
          <TablesField
            prefix={prefix}
            errors={errors}
            tables={config.tables}
            hint="One per line or separated by commas (schema.table where it is not public). Empty: every table of the source."
          />
          <SchemasField prefix={prefix} errors={errors} schemas={config.schemas} verb="validate" />
          <div className="flex flex-wrap gap-4">
            <ValidationLimitsFields
              prefix={prefix}
              errors={errors}
              maxSamples={config.maxSamples}
              maxDifferences={config.maxDifferences}
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="integrity"
              defaultChecked={config.integrity}
              className="size-4 accent-indigo-600"
            />
            Check the target for orphaned rows, NULLs and duplicates the source&apos;s constraints forbid
          </label>
          <p className="text-xs text-zinc-600">
            Any difference, finding or failing rule fails the step. The plan&apos;s custom rules (Validation page)
            always run; bound success criteria are decided from the result.
          </p>
        </>
      )}
    </ActionForm>
  )
}

/**
 * Adds an observe step (`step` given: edits one): the run's target watched for a while against the plan's
 * rollback triggers; a trigger that fires fails the step and offers – or starts – the run's rollback.
 */
export function ObserveStepForm({
  phaseId,
  step,
  onSuccess,
}: {
  phaseId: string
  step?: StepDTO
  onSuccess: () => void
}) {
  const prefix = step ? `edit-observe-${step.id}` : `observe-${phaseId}`
  const config = step?.observe ?? OBSERVE_CONFIG_DEFAULTS
  return (
    <ActionForm
      action={step ? editObserveStepAction : addObserveStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add observe step'}
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <StepNameField
            prefix={prefix}
            errors={errors}
            name={step?.name}
            placeholder="e.g. Watch the target after the cutover"
          />
          <Field label="Watch for (minutes)" name="minutes" id={`${prefix}-minutes`} errors={errors?.minutes}>
            <Input
              name="minutes"
              id={`${prefix}-minutes`}
              inputMode="decimal"
              className="w-32"
              invalid={!!errors?.minutes}
              defaultValue={String(config.seconds / 60)}
            />
          </Field>
          <fieldset className="space-y-1 text-sm">
            <legend className="font-medium">When a rollback trigger fires</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="rollback"
                value="offer"
                defaultChecked={config.rollback === 'offer'}
                className="size-4 accent-indigo-600"
              />
              The step fails and a DBA decides (the run offers its rollback)
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="rollback"
                value="start"
                defaultChecked={config.rollback === 'start'}
                className="size-4 accent-indigo-600"
              />
              The step fails and the run&apos;s rollback starts at once (when an earlier step of the phase can be
              undone; otherwise a DBA decides)
            </label>
            {errors?.rollback ? <p className="text-xs text-red-700">{errors.rollback[0]}</p> : null}
          </fieldset>
          <p className="text-xs text-zinc-600">
            The plan&apos;s measurable rollback triggers are checked on every sample of the target (every 2 seconds).
            Add them on the plan page with a metric, a comparison, a threshold and how long it must hold.
          </p>
        </>
      )}
    </ActionForm>
  )
}

/**
 * Adds a backup step (`step` given: edits one): the plan's target or source on the run's environment,
 * backed up into the backup directory, checksummed and verified before the run goes on.
 */
export function BackupStepForm({
  phaseId,
  step,
  onSuccess,
}: {
  phaseId: string
  step?: StepDTO
  onSuccess: () => void
}) {
  const prefix = step ? `edit-backup-${step.id}` : `backup-${phaseId}`
  const config = step?.backup ?? BACKUP_CONFIG_DEFAULTS
  return (
    <ActionForm
      action={step ? editBackupStepAction : addBackupStepAction}
      hidden={step ? { stepId: step.id } : { phaseId }}
      submitLabel={step ? 'Save step' : 'Add backup step'}
      onSuccess={onSuccess}
      className="mt-2 space-y-3 rounded-md border border-zinc-200 bg-white p-3"
    >
      {(errors) => (
        <>
          <StepNameField
            prefix={prefix}
            errors={errors}
            name={step?.name}
            placeholder="e.g. Back up the orders database"
          />
          <Field label="Back up" name="of" id={`${prefix}-of`} errors={errors?.of}>
            <div className="max-w-xs">
              <Select name="of" id={`${prefix}-of`} defaultValue={config.of} invalid={!!errors?.of}>
                <option value="target">The plan&apos;s target</option>
                <option value="source">The plan&apos;s source</option>
              </Select>
            </div>
          </Field>
          <TablesField
            prefix={prefix}
            errors={errors}
            tables={config.tables}
            hint="One per line or separated by commas (schema.table where it is not public). Empty: the whole database, schema and data."
          />
          <p className="text-xs text-zinc-600">
            PostgreSQL databases are dumped with pg_dump -Fc (custom format, restorable table by table); SQLite files
            are copied with SQLite&apos;s online backup API. Each artifact is checksummed (SHA-256) and verified – read
            back with pg_restore --list or an integrity check – before the run goes on; a backup that fails fails the
            step. The target and source are the plan&apos;s connections on the environment a run is started for.
          </p>
        </>
      )}
    </ActionForm>
  )
}
