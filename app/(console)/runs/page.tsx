import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Runs' }

export default async function RunsPage() {
  await requirePageActor('run:read')
  return (
    <>
      <PageHeader title="Runs" />
      <EmptyState title="No runs">A run is one execution of a phase’s steps on an environment. Queued, running and finished runs appear here with their progress.</EmptyState>
    </>
  )
}
