import type { Metadata } from 'next'
import Link from 'next/link'
import { SnapshotTable } from '@/components/reports/snapshot-table'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { listSnapshots } from '@/lib/server/reports/history'

type Params = Promise<{ planId: string }>

export const metadata: Metadata = { title: 'Report snapshots' }

export default async function SnapshotsPage({ params }: { params: Params }) {
  const actor = await requirePageActor('report:read')
  const { planId } = await params
  const { planTitle, snapshots } = await loadOrNotFound(listSnapshots(actor, planId))
  return (
    <>
      <PageHeader
        title={`Report snapshots: ${planTitle}`}
        description="The worker keeps the report as it was once a day; editors can take one at any time. Open one to read it as it was."
        actions={
          <Link
            href={`/plans/${planId}/report`}
            className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
          >
            Today’s report
          </Link>
        }
      />
      {snapshots.length ? (
        <SnapshotTable planId={planId} snapshots={snapshots} />
      ) : (
        <EmptyState title="No snapshot yet">
          The worker takes the first one within a minute of the plan being in progress.
        </EmptyState>
      )}
    </>
  )
}
