'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'
import { createEnvironmentAction } from '@/lib/actions/connections'

export function EnvironmentForm() {
  return (
    <ActionForm action={createEnvironmentAction} submitLabel="Add environment">
      {(errors) => (
        <div className="grid items-start gap-3 md:grid-cols-[12rem_1fr_auto]">
          <Field label="Name" name="name" id="env-name" errors={errors?.name} hint="e.g. staging, production">
            <Input name="name" id="env-name" maxLength={40} invalid={!!errors?.name} />
          </Field>
          <Field label="Description" name="description" id="env-description" errors={errors?.description}>
            <Input name="description" id="env-description" maxLength={500} />
          </Field>
          <label className="mt-7 flex items-center gap-2 text-sm">
            <input type="checkbox" name="protected" className="size-4 accent-indigo-600" />
            Protected (runs need an approved window)
          </label>
        </div>
      )}
    </ActionForm>
  )
}
