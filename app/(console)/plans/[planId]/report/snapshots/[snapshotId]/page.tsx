import type { Metadata } from 'next'
import Link from 'next/link'
import { PrintButton } from '@/components/reports/print-button'
import { ReportChanges } from '@/components/reports/report-changes'
import { ReportView, Section } from '@/components/reports/report-view'
import { PageHeader } from '@/components/ui/page-header'
import { Timestamp } from '@/components/ui/timestamp'
import { requirePageActor } from '@/lib/auth/current-user'
import { formatUtc } from '@/lib/domain/words'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getSnapshot } from '@/lib/server/reports/history'

type Params = Promise<{ planId: string; snapshotId: string }>

const linkClass = 'inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50'

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('report:read')
  const { planId, snapshotId } = await params
  const { report, snapshot } = await loadOrNotFound(getSnapshot(actor, planId, snapshotId))
  return { title: `Status report: ${report.plan.title}, ${formatUtc(snapshot.takenAt)}` }
}

export default async function SnapshotPage({ params }: { params: Params }) {
  const actor = await requirePageActor('report:read')
  const { planId, snapshotId } = await params
  const { report, snapshot, previous, next, changes } = await loadOrNotFound(getSnapshot(actor, planId, snapshotId))
  return (
    <>
      <PageHeader
        title={`Status report: ${report.plan.title}`}
        description={`As it was on ${formatUtc(snapshot.takenAt)} – a ${snapshot.daily ? 'daily snapshot' : `snapshot taken by ${snapshot.takenByName ?? 'a former user'}`}.`}
        actions={
          <nav aria-label="Snapshots" className="no-print flex flex-wrap items-center gap-2">
            {previous ? (
              <Link href={`/plans/${planId}/report/snapshots/${previous.id}`} className={linkClass}>
                ← Earlier
              </Link>
            ) : null}
            {next ? (
              <Link href={`/plans/${planId}/report/snapshots/${next.id}`} className={linkClass}>
                Later →
              </Link>
            ) : null}
            <Link href={`/plans/${planId}/report/snapshots`} className={linkClass}>
              All snapshots
            </Link>
            <Link href={`/plans/${planId}/report`} className={linkClass}>
              Today’s report
            </Link>
            <PrintButton />
          </nav>
        }
      />
      <p role="note" className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
        This is a snapshot: the report as it stood on <Timestamp iso={snapshot.takenAt} />, not as it is now.
      </p>
      <ReportView
        report={report}
        afterStatus={
          changes ? (
            <Section title="Since the snapshot before">
              <p className="text-xs text-zinc-500">
                Compared with the snapshot of {previous ? <Timestamp iso={previous.takenAt} /> : null}.
              </p>
              <ReportChanges changes={changes} />
            </Section>
          ) : null
        }
      />
    </>
  )
}
