'use client'

import { ActionForm, type EntityFormProps } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'
import type { ChecklistItemDTO } from '@/lib/server/plans/queries'

type Props = EntityFormProps<ChecklistItemDTO>

/** The fields of a checklist item, for adding one or editing it. */
export function ItemForm({ action, hidden, submitLabel, idPrefix, initial, className, onSuccess }: Props) {
  const id = (field: string) => `${idPrefix}-${field}`
  return (
    <ActionForm action={action} submitLabel={submitLabel} hidden={hidden} className={className} onSuccess={onSuccess}>
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-[2fr_1fr_10rem_auto]">
          <Field label={initial ? 'Item' : 'New item'} name="text" id={id('text')} errors={errors?.text}>
            <Input
              name="text"
              id={id('text')}
              maxLength={500}
              invalid={!!errors?.text}
              defaultValue={initial?.text}
              placeholder="e.g. Take a full backup"
              autoFocus
            />
          </Field>
          <Field label="Owner" name="owner" id={id('owner')} errors={errors?.owner}>
            <Input name="owner" id={id('owner')} maxLength={120} defaultValue={initial?.owner ?? ''} />
          </Field>
          <Field label="Due" name="dueDate" id={id('due')} errors={errors?.dueDate}>
            <Input
              name="dueDate"
              id={id('due')}
              type="date"
              invalid={!!errors?.dueDate}
              defaultValue={initial?.dueDate ?? ''}
            />
          </Field>
          <label className="flex items-end gap-2 pb-2 text-sm">
            <input
              type="checkbox"
              name="isRequired"
              defaultChecked={initial?.isRequired}
              className="size-4 accent-indigo-600"
            />{' '}
            Required
          </label>
        </div>
      )}
    </ActionForm>
  )
}
