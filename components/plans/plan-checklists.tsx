'use client'

import { useState } from 'react'
import { ActionForm } from '@/components/ui/action-form'
import { Button } from '@/components/ui/button'
import { Field, Input } from '@/components/ui/field'
import { addChecklistAction } from '@/lib/actions/plans'
import type { PlanDetailDTO } from '@/lib/server/plans/queries'
import { AddItemForm } from './add-item-form'
import { ChecklistItemRow } from './checklist-item-row'

/** Plan-level checklists such as "Pre-migration checklist". */
export function PlanChecklists({ plan }: { plan: PlanDetailDTO }) {
  return (
    <div className="space-y-4">
      {plan.checklists.length === 0 ? <p className="text-sm text-zinc-500">No plan-level checklists yet (e.g. a pre-migration or post-migration checklist).</p> : null}
      {plan.checklists.map((checklist) => (
        <ChecklistSection key={checklist.id} checklist={checklist} canEdit={plan.canEdit} />
      ))}
      {plan.canEdit ? (
        <ActionForm action={addChecklistAction} submitLabel="Add checklist" hidden={{ planId: plan.id }} className="flex max-w-xl flex-wrap items-end gap-3 space-y-0">
          {(errors) => (
            <div className="flex-1">
              <Field label="New checklist" name="name" id="checklist-name" errors={errors?.name}>
                <Input name="name" id="checklist-name" maxLength={200} placeholder="e.g. Post-migration checklist" invalid={!!errors?.name} />
              </Field>
            </div>
          )}
        </ActionForm>
      ) : null}
    </div>
  )
}

function ChecklistSection({ checklist, canEdit }: { checklist: PlanDetailDTO['checklists'][number]; canEdit: boolean }) {
  const [managing, setManaging] = useState(false)
  return (
    <section aria-label={checklist.name} className="rounded-lg border border-zinc-200 bg-white px-5 py-3 shadow-xs">
      <h3 className="font-semibold">{checklist.name}</h3>
      <ul className="divide-y divide-zinc-100">
        {checklist.items.map((item) => (
          <ChecklistItemRow key={item.id} item={item} canEdit={canEdit} managing={managing} />
        ))}
      </ul>
      {canEdit ? (
        <div className="flex flex-wrap items-start gap-2 pt-2 pb-1">
          <AddItemForm home={{ checklistId: checklist.id }} />
          {checklist.items.length > 0 ? (
            <Button size="sm" variant="ghost" aria-pressed={managing} onClick={() => setManaging((m) => !m)}>
              {managing ? 'Done managing items' : 'Manage items…'}
            </Button>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}
