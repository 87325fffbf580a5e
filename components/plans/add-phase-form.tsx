'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'
import { addPhaseAction } from '@/lib/actions/plans'

export function AddPhaseForm({ planId }: { planId: string }) {
  return (
    <ActionForm action={addPhaseAction} submitLabel="Add phase" hidden={{ planId }} className="rounded-lg border border-dashed border-zinc-300 bg-white p-4">
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-5">
          <div className="xl:col-span-2">
            <Field label="Phase name" name="name" id="phase-name" errors={errors?.name}>
              <Input name="name" id="phase-name" maxLength={200} invalid={!!errors?.name} placeholder="e.g. Data Migration" />
            </Field>
          </div>
          <Field label="Planned start" name="plannedStart" id="phase-start" errors={errors?.plannedStart}>
            <Input name="plannedStart" id="phase-start" type="date" invalid={!!errors?.plannedStart} />
          </Field>
          <Field label="Planned end" name="plannedEnd" id="phase-end" errors={errors?.plannedEnd}>
            <Input name="plannedEnd" id="phase-end" type="date" invalid={!!errors?.plannedEnd} />
          </Field>
          <Field label="Or relative" name="plannedLabel" id="phase-label" errors={errors?.plannedLabel} hint="e.g. Week 2">
            <Input name="plannedLabel" id="phase-label" maxLength={50} />
          </Field>
          <div className="md:col-span-2 xl:col-span-5">
            <Field label="Goal" name="goal" id="phase-goal" errors={errors?.goal}>
              <Input name="goal" id="phase-goal" maxLength={2000} />
            </Field>
          </div>
        </div>
      )}
    </ActionForm>
  )
}
