import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Plans' }

export default async function PlansPage() {
  await requirePageActor('plan:read')
  return (
    <>
      <PageHeader title="Plans" description="Each plan is one migration effort: its phases, checklists, risks, success criteria and runs." />
      <EmptyState title="No plans yet">
        A plan holds the phases, checklists, risk register and rollback triggers of one migration. Plans created or imported
        here appear in this list with their progress.
      </EmptyState>
    </>
  )
}
