'use client'

import { useOptimistic, useState, useTransition } from 'react'
import { Badge } from '@/components/ui/badge'
import { Timestamp } from '@/components/ui/timestamp'
import { setItemDoneAction, updateItemAction } from '@/lib/actions/plans'
import type { ChecklistItemDTO } from '@/lib/server/plans/queries'
import { Button } from '@/components/ui/button'
import { ItemForm } from './item-form'
import { RemoveButton } from './remove-button'

/**
 * A tickable item. The tick shows at once (optimistic); if the server refuses, the optimistic
 * state falls back to what the server holds and the reason is shown.
 */
export function ChecklistItemRow({
  item,
  canEdit,
  managing = false,
}: {
  item: ChecklistItemDTO
  canEdit: boolean
  managing?: boolean
}) {
  const [done, setOptimisticDone] = useOptimistic(!!item.doneAt)
  const [error, setError] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [, startTransition] = useTransition()
  const toggle = () =>
    startTransition(async () => {
      setOptimisticDone(!done)
      const result = await setItemDoneAction({ itemId: item.id, done: String(!done) })
      setError(result.ok ? null : result.error)
    })
  const id = `item-${item.id}`
  return (
    <li className="flex flex-wrap items-start gap-3 py-2" data-testid="checklist-item">
      <input
        id={id}
        type="checkbox"
        checked={done}
        disabled={!canEdit}
        onChange={toggle}
        className="mt-0.5 size-4 rounded border-zinc-300 accent-indigo-600 disabled:cursor-not-allowed"
      />
      <div className="min-w-0 flex-1 text-sm">
        <label htmlFor={id} className={done ? 'text-zinc-500 line-through' : 'text-zinc-900'}>
          {item.text}
        </label>
        {item.isRequired ? (
          <span className="ml-2">
            <Badge tone="warning">Required</Badge>
          </span>
        ) : null}
        <p className="text-xs text-zinc-500">
          {[item.owner && `Owner: ${item.owner}`, item.dueDate && `Due ${item.dueDate}`].filter(Boolean).join(' · ')}
          {item.doneAt && item.doneByName ? (
            <span data-testid="ticked-by">
              {item.owner || item.dueDate ? ' · ' : ''}Ticked by {item.doneByName} at <Timestamp iso={item.doneAt} />
            </span>
          ) : null}
        </p>
        {error ? (
          <p role="alert" className="text-xs text-red-600">
            {error}
          </p>
        ) : null}
      </div>
      {canEdit && managing ? (
        <div className="flex shrink-0 gap-1">
          <Button size="sm" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
            {editing ? 'Close' : 'Edit'}
            <span className="sr-only"> “{item.text}”</span>
          </Button>
          <RemoveButton kind="item" id={item.id} label={item.text} />
        </div>
      ) : null}
      {editing && canEdit && managing ? (
        <div className="basis-full">
          <ItemForm
            action={updateItemAction}
            hidden={{ itemId: item.id }}
            submitLabel="Save item"
            idPrefix={`edit-${item.id}`}
            initial={item}
            className="rounded-md bg-zinc-50 p-3"
            onSuccess={() => setEditing(false)}
          />
        </div>
      ) : null}
    </li>
  )
}
