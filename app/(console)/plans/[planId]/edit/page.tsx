import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { PlanForm } from '@/components/plans/plan-form'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { getPlanForViewer } from '@/lib/server/plans/queries'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'

export const metadata: Metadata = { title: 'Edit plan' }

export default async function EditPlanPage({ params }: { params: Promise<{ planId: string }> }) {
  const actor = await requirePageActor('plan:edit')
  const plan = await loadOrNotFound(getPlanForViewer(actor, (await params).planId))
  if (!plan.canEdit) notFound()
  return (
    <>
      <PageHeader title={`Edit “${plan.title}”`} />
      <PlanForm
        planId={plan.id}
        initial={{
          title: plan.title,
          summary: plan.summary,
          currentState: plan.currentState,
          targetState: plan.targetState,
          status: plan.status,
          startDate: plan.startDate ?? '',
        }}
      />
    </>
  )
}
