import type { Metadata } from 'next'
import Link from 'next/link'
import { MonitorView } from '@/components/monitoring/monitor-view'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getRunMonitor } from '@/lib/server/monitoring/queries'

export const metadata: Metadata = { title: 'Run monitoring' }

export default async function RunMonitorPage({ params }: { params: Promise<{ runId: string }> }) {
  const actor = await requirePageActor('run:read')
  const { runId } = await params
  const view = await loadOrNotFound(getRunMonitor(actor, runId))
  return (
    <>
      <PageHeader
        title={`Monitoring: ${view.title}`}
        description="The run's target while the run is in progress, its rollback triggers and the run's own figures."
        actions={
          <Link
            href={`/runs/${runId}`}
            className="rounded-md px-2.5 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
          >
            Back to the run
          </Link>
        }
      />
      <MonitorView initial={view} source={{ runId }} />
    </>
  )
}
