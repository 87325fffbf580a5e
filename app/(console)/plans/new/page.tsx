import type { Metadata } from 'next'
import { PlanForm } from '@/components/plans/plan-form'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'New plan' }

export default async function NewPlanPage() {
  await requirePageActor('plan:edit')
  return (
    <>
      <PageHeader title="New plan" description="Start with the essentials; phases, checklists and risks come next." />
      <PlanForm />
    </>
  )
}
