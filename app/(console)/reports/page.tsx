import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Status reports' }

export default async function ReportsPage() {
  await requirePageActor('report:read')
  return (
    <>
      <PageHeader title="Status reports" />
      <EmptyState title="No reports">Each plan has a read-only status report for stakeholders: overall status, phase progress, open risks, the next window and recent runs.</EmptyState>
    </>
  )
}
