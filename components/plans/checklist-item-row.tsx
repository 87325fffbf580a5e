'use client'

import { useOptimistic, useState, useTransition } from 'react'
import { Badge } from '@/components/ui/badge'
import { Timestamp } from '@/components/ui/timestamp'
import { setItemDoneAction } from '@/lib/actions/plans'
import type { ChecklistItemDTO } from '@/lib/server/plans/queries'
import { RemoveButton } from './remove-button'

/**
 * A tickable item. The tick shows at once (optimistic); if the server refuses, the optimistic
 * state falls back to what the server holds and the reason is shown.
 */
export function ChecklistItemRow({ item, canEdit }: { item: ChecklistItemDTO; canEdit: boolean }) {
  const [done, setOptimisticDone] = useOptimistic(!!item.doneAt)
  const [error, setError] = useState<string | null>(null)
  const [, startTransition] = useTransition()
  const toggle = () =>
    startTransition(async () => {
      setOptimisticDone(!done)
      const result = await setItemDoneAction({ itemId: item.id, done: String(!done) })
      setError(result.ok ? null : result.error)
    })
  const id = `item-${item.id}`
  return (
    <li className="flex items-start gap-3 py-2" data-testid="checklist-item">
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
      {canEdit ? <RemoveButton kind="item" id={item.id} label={item.text} /> : null}
    </li>
  )
}
