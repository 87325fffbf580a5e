'use client'

import { ActionForm, type EntityFormProps } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'

export type PhaseValues = {
  name: string
  goal: string
  plannedStart: string | null
  plannedEnd: string | null
  plannedLabel: string | null
}

type Props = EntityFormProps<PhaseValues>

/** The fields of a phase, for adding one or editing it. */
export function PhaseForm({ action, hidden, submitLabel, idPrefix, initial, className, onSuccess }: Props) {
  const id = (field: string) => `${idPrefix}-${field}`
  return (
    <ActionForm action={action} submitLabel={submitLabel} hidden={hidden} className={className} onSuccess={onSuccess}>
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-5">
          <div className="xl:col-span-2">
            <Field label="Phase name" name="name" id={id('name')} errors={errors?.name}>
              <Input
                name="name"
                id={id('name')}
                maxLength={200}
                invalid={!!errors?.name}
                defaultValue={initial?.name}
                placeholder="e.g. Data Migration"
              />
            </Field>
          </div>
          <Field label="Planned start" name="plannedStart" id={id('start')} errors={errors?.plannedStart}>
            <Input
              name="plannedStart"
              id={id('start')}
              type="date"
              invalid={!!errors?.plannedStart}
              defaultValue={initial?.plannedStart ?? ''}
            />
          </Field>
          <Field label="Planned end" name="plannedEnd" id={id('end')} errors={errors?.plannedEnd}>
            <Input
              name="plannedEnd"
              id={id('end')}
              type="date"
              invalid={!!errors?.plannedEnd}
              defaultValue={initial?.plannedEnd ?? ''}
            />
          </Field>
          <Field
            label="Or relative"
            name="plannedLabel"
            id={id('label')}
            errors={errors?.plannedLabel}
            hint="e.g. Week 2"
          >
            <Input name="plannedLabel" id={id('label')} maxLength={50} defaultValue={initial?.plannedLabel ?? ''} />
          </Field>
          <div className="md:col-span-2 xl:col-span-5">
            <Field label="Goal" name="goal" id={id('goal')} errors={errors?.goal}>
              <Input name="goal" id={id('goal')} maxLength={2000} defaultValue={initial?.goal} />
            </Field>
          </div>
        </div>
      )}
    </ActionForm>
  )
}
