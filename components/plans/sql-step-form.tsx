'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'
import { addSqlStepAction } from '@/lib/actions/plans'

const SCRIPT = 'block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs'

export function SqlStepForm({ phaseId, onSuccess }: { phaseId: string; onSuccess: () => void }) {
  return (
    <ActionForm action={addSqlStepAction} hidden={{ phaseId }} submitLabel="Add step" onSuccess={onSuccess} className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3">
      {(errors) => (
        <>
          <Field label="Step name" name="name" id={`step-name-${phaseId}`} errors={errors?.name}>
            <Input name="name" id={`step-name-${phaseId}`} maxLength={200} invalid={!!errors?.name} placeholder="e.g. Add status column" />
          </Field>
          <Field label="SQL script" name="body" id={`step-body-${phaseId}`} errors={errors?.body} hint="Runs in one transaction unless a statement cannot (CREATE INDEX CONCURRENTLY…).">
            <textarea name="body" id={`step-body-${phaseId}`} rows={6} className={SCRIPT} spellCheck={false} />
          </Field>
          <Field label="Rollback script (optional)" name="rollbackBody" id={`step-rollback-${phaseId}`} errors={errors?.rollbackBody}>
            <textarea name="rollbackBody" id={`step-rollback-${phaseId}`} rows={3} className={SCRIPT} spellCheck={false} />
          </Field>
        </>
      )}
    </ActionForm>
  )
}
