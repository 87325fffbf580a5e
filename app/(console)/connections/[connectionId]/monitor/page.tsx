import type { Metadata } from 'next'
import Link from 'next/link'
import { MonitorView } from '@/components/monitoring/monitor-view'
import { DriftLine } from '@/components/drift/drift-line'
import { getDriftSummary } from '@/lib/server/drift/queries'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getConnectionMonitor, MONITOR_MINUTES } from '@/lib/server/monitoring/queries'

export const metadata: Metadata = { title: 'Monitoring' }

export default async function ConnectionMonitorPage({
  params,
  searchParams,
}: {
  params: Promise<{ connectionId: string }>
  searchParams: Promise<{ minutes?: string }>
}) {
  const actor = await requirePageActor('connection:read')
  const { connectionId } = await params
  const asked = Number((await searchParams).minutes)
  const minutes = MONITOR_MINUTES.find((m) => m === asked) ?? MONITOR_MINUTES[1]
  const [view, drift] = await Promise.all([
    loadOrNotFound(getConnectionMonitor(actor, connectionId, minutes)),
    getDriftSummary(actor, connectionId),
  ])
  return (
    <>
      <PageHeader
        title={`Monitoring: ${view.title}`}
        description="Sampled every 2 seconds while this page is open, while a run is in progress on its environment, and during an approved window."
        actions={
          <nav aria-label="Time range" className="flex gap-1 text-sm">
            {MONITOR_MINUTES.map((m) => (
              <Link
                key={m}
                href={`?minutes=${m}`}
                aria-current={m === minutes ? 'page' : undefined}
                className="rounded-md px-2.5 py-1 text-indigo-700 hover:bg-indigo-50 aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white"
              >
                {m === 60 ? '1 hour' : `${m} min`}
              </Link>
            ))}
          </nav>
        }
      />
      {drift ? <DriftLine summary={drift} /> : null}
      <MonitorView key={minutes} initial={view} source={{ connectionId, minutes }} />
    </>
  )
}
