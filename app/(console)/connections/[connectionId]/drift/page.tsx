import type { Metadata } from 'next'
import Link from 'next/link'
import { ConnectionDrift } from '@/components/drift/connection-drift'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { getConnectionDrift } from '@/lib/server/drift/queries'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'

export const metadata: Metadata = { title: 'Drift' }

export default async function ConnectionDriftPage({ params }: { params: Promise<{ connectionId: string }> }) {
  const actor = await requirePageActor('connection:read')
  const drift = await loadOrNotFound(getConnectionDrift(actor, (await params).connectionId))
  return (
    <>
      <PageHeader
        title={`Drift: ${drift.connection.name} (${drift.connection.environmentName})`}
        description="Changes to this target's schema made outside Lockstep: the live schema against the one recorded after the last successful run. Checked before every run, periodically for the targets of active plans, and on demand."
        actions={
          <Link
            href={`/connections/${drift.connection.id}/monitor`}
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            Monitoring
          </Link>
        }
      />
      <ConnectionDrift initial={drift} />
    </>
  )
}
