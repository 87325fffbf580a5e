'use client'

import { useState } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { Button } from '@/components/ui/button'
import { Field, Input } from '@/components/ui/field'
import { addItemAction } from '@/lib/actions/plans'

/** Adds a checklist item to a phase or to a plan-level checklist; folded away until asked for. */
export function AddItemForm({ home }: { home: { phaseId: string } | { checklistId: string } }) {
  const [open, setOpen] = useState(false)
  const key = 'phaseId' in home ? home.phaseId : home.checklistId
  const hidden: Record<string, string> = 'phaseId' in home ? { phaseId: home.phaseId } : { checklistId: home.checklistId }
  if (!open) {
    return (
      <Button size="sm" variant="ghost" aria-expanded={false} onClick={() => setOpen(true)}>
        + Add item…
      </Button>
    )
  }
  return (
    <ActionForm action={addItemAction} submitLabel="Add item" hidden={hidden} className="rounded-md bg-zinc-50 p-3">
      {(errors) => (
        <div className="grid gap-3 md:grid-cols-[2fr_1fr_10rem_auto]">
          <Field label="New item" name="text" id={`text-${key}`} errors={errors?.text}>
            <Input name="text" id={`text-${key}`} maxLength={500} invalid={!!errors?.text} placeholder="e.g. Take a full backup" autoFocus />
          </Field>
          <Field label="Owner" name="owner" id={`owner-${key}`} errors={errors?.owner}>
            <Input name="owner" id={`owner-${key}`} maxLength={120} />
          </Field>
          <Field label="Due" name="dueDate" id={`due-${key}`} errors={errors?.dueDate}>
            <Input name="dueDate" id={`due-${key}`} type="date" invalid={!!errors?.dueDate} />
          </Field>
          <label className="flex items-end gap-2 pb-2 text-sm">
            <input type="checkbox" name="isRequired" className="size-4 accent-indigo-600" /> Required
          </label>
        </div>
      )}
    </ActionForm>
  )
}
