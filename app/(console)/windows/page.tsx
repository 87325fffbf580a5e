import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Maintenance windows' }

export default async function WindowsPage() {
  await requirePageActor('window:read')
  return (
    <>
      <PageHeader title="Maintenance windows" />
      <EmptyState title="No maintenance windows">Protected environments such as production only run inside an approved, active maintenance window. Requested windows and their approvals appear here.</EmptyState>
    </>
  )
}
