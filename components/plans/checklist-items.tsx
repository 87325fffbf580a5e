'use client'

import { Fragment, useState } from 'react'
import { Button } from '@/components/ui/button'
import type { ChecklistItemDTO } from '@/lib/server/plans/queries'
import { AddItemForm } from './add-item-form'
import { ChecklistItemRow } from './checklist-item-row'

type Props = {
  items: ChecklistItemDTO[]
  canEdit: boolean
  home: { phaseId: string } | { checklistId: string }
  emptyText?: string
}

/** A checklist (of a phase or of the plan): its items, adding one, and per-item controls on request. */
export function ChecklistItems({ items, canEdit, home, emptyText }: Props) {
  // Per-item edit and remove controls appear on request, keeping the everyday checklist lean.
  const [managing, setManaging] = useState(false)
  return (
    <>
      {items.length === 0 && emptyText ? <p className="py-2 text-sm text-zinc-500">{emptyText}</p> : null}
      <ul className="divide-y divide-zinc-100">
        {items.map((item, i) => (
          <Fragment key={item.id}>
            {/* Items imported from a document keep the entry they sat under as a heading. */}
            {item.group && item.group !== items[i - 1]?.group ? (
              <li
                className="pt-3 pb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase"
                data-testid="item-group"
              >
                {item.group}
              </li>
            ) : null}
            <ChecklistItemRow item={item} canEdit={canEdit} managing={managing} />
          </Fragment>
        ))}
      </ul>
      {canEdit ? (
        <div className="flex flex-wrap items-start gap-2 pt-2 pb-1">
          <AddItemForm home={home} />
          {items.length > 0 ? (
            <Button size="sm" variant="ghost" aria-pressed={managing} onClick={() => setManaging((m) => !m)}>
              {managing ? 'Done managing items' : 'Manage items…'}
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  )
}
