'use client'

import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { addItemAction } from '@/lib/actions/plans'
import { ItemForm } from './item-form'

/** Adds a checklist item to a phase or to a plan-level checklist; folded away until asked for. */
export function AddItemForm({ home }: { home: { phaseId: string } | { checklistId: string } }) {
  const [open, setOpen] = useState(false)
  const hidden: Record<string, string> =
    'phaseId' in home ? { phaseId: home.phaseId } : { checklistId: home.checklistId }
  if (!open) {
    return (
      <Button size="sm" variant="ghost" aria-expanded={false} onClick={() => setOpen(true)}>
        + Add item…
      </Button>
    )
  }
  return (
    <ItemForm
      action={addItemAction}
      hidden={hidden}
      submitLabel="Add item"
      idPrefix={`new-item-${Object.values(hidden)[0]}`}
      className="w-full rounded-md bg-zinc-50 p-3"
    />
  )
}
