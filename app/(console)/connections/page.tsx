import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Connections' }

export default async function ConnectionsPage() {
  await requirePageActor('connection:read')
  return (
    <>
      <PageHeader title="Connections" />
      <EmptyState title="No connections">A connection is a database endpoint – a PostgreSQL URL or a SQLite file – in an environment. Its credentials are stored encrypted and never shown again.</EmptyState>
    </>
  )
}
