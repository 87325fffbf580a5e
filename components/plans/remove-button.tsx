'use client'

import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { removeFromPlanAction } from '@/lib/actions/plans'

type Kind = 'phase' | 'item' | 'risk' | 'criterion' | 'trigger'
const NOUN: Record<Kind, string> = {
  phase: 'phase',
  item: 'checklist item',
  risk: 'risk',
  criterion: 'success criterion',
  trigger: 'rollback trigger',
}

/** Removes one part of a plan after a confirmation; the audit log keeps what it was. */
export function RemoveButton({ kind, id, label, detail }: { kind: Kind; id: string; label: string; detail?: string }) {
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Remove<span className="sr-only"> “{label}”</span>
        </>
      }
      triggerVariant="ghost"
      title={`Remove this ${NOUN[kind]}?`}
      description={
        <>
          “{label}” is removed from the plan{detail ? `, ${detail}` : ''}. The activity log keeps a record of it.
        </>
      }
      confirmLabel="Remove"
      onConfirm={async () => {
        const result = await removeFromPlanAction({ kind, id })
        return result.ok ? null : result.error
      }}
    />
  )
}
