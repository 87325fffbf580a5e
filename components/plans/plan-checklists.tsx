'use client'

import { ActionForm } from '@/components/ui/action-form'
import { Field, Input } from '@/components/ui/field'
import { addChecklistAction } from '@/lib/actions/plans'
import type { PlanDetailDTO } from '@/lib/server/plans/queries'
import { ChecklistItems } from './checklist-items'

/** Plan-level checklists such as "Pre-migration checklist". */
export function PlanChecklists({ plan }: { plan: Pick<PlanDetailDTO, 'id' | 'canEdit' | 'checklists'> }) {
  return (
    <div className="space-y-4">
      {plan.checklists.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No plan-level checklists yet (e.g. a pre-migration or post-migration checklist).
        </p>
      ) : null}
      {plan.checklists.map((checklist) => (
        <ChecklistSection key={checklist.id} checklist={checklist} canEdit={plan.canEdit} />
      ))}
      {plan.canEdit ? (
        <ActionForm
          action={addChecklistAction}
          submitLabel="Add checklist"
          hidden={{ planId: plan.id }}
          className="flex max-w-xl flex-wrap items-end gap-3 space-y-0"
        >
          {(errors) => (
            <div className="flex-1">
              <Field label="New checklist" name="name" id="checklist-name" errors={errors?.name}>
                <Input
                  name="name"
                  id="checklist-name"
                  maxLength={200}
                  placeholder="e.g. Post-migration checklist"
                  invalid={!!errors?.name}
                />
              </Field>
            </div>
          )}
        </ActionForm>
      ) : null}
    </div>
  )
}

function ChecklistSection({
  checklist,
  canEdit,
}: {
  checklist: PlanDetailDTO['checklists'][number]
  canEdit: boolean
}) {
  return (
    <section aria-label={checklist.name} className="rounded-lg border border-zinc-200 bg-white px-5 py-3 shadow-xs">
      <h3 className="font-semibold">{checklist.name}</h3>
      <ChecklistItems items={checklist.items} canEdit={canEdit} home={{ checklistId: checklist.id }} />
    </section>
  )
}
