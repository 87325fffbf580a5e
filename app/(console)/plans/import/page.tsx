import type { Metadata } from 'next'
import { PlanImport } from '@/components/plans/plan-import'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Import a plan' }

export default async function ImportPlanPage() {
  await requirePageActor('plan:edit')
  return (
    <>
      <PageHeader
        title="Import a plan"
        description="Bring a Markdown migration plan as it is: phases, checklists, risks, success criteria, rollback and scripts are recognised. Check the preview, then save it as a new draft plan."
      />
      <PlanImport />
    </>
  )
}
