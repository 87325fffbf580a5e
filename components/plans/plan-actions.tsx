'use client'

import Link from 'next/link'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { archivePlanAction, restorePlanAction } from '@/lib/actions/plans'
import { usePlanCommand } from './use-plan-command'

/** Edit and archive for editors of an active plan; restore for an archived one. */
export function PlanActions({ planId, title, archived }: { planId: string; title: string; archived: boolean }) {
  const { error, pending, run } = usePlanCommand()
  if (archived) {
    return (
      <div className="flex items-center gap-2">
        {error ? (
          <span role="alert" className="text-sm text-red-600">
            {error}
          </span>
        ) : null}
        <Button variant="secondary" disabled={pending} onClick={() => run(() => restorePlanAction({ planId }))}>
          Restore plan
        </Button>
      </div>
    )
  }
  return (
    <div className="flex items-center gap-2">
      <Link
        href={`/plans/${planId}/edit`}
        className="inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-4 text-sm font-medium hover:bg-zinc-50"
      >
        Edit
      </Link>
      <ConfirmDialog
        triggerLabel="Archive"
        title={`Archive “${title}”?`}
        description="Archived plans are read-only and hidden from the plan list until restored. Nothing is deleted."
        confirmLabel="Archive plan"
        phrase={title}
        onConfirm={async () => {
          const result = await archivePlanAction({ planId })
          return result.ok ? null : result.error
        }}
      />
    </div>
  )
}
