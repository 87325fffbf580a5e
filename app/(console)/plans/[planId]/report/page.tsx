import type { Metadata } from 'next'
import Link from 'next/link'
import { PrintButton } from '@/components/reports/print-button'
import { ReportChanges } from '@/components/reports/report-changes'
import { ReportTrend } from '@/components/reports/report-trend'
import { ReportView, Section } from '@/components/reports/report-view'
import { SnapshotButton } from '@/components/reports/snapshot-button'
import { SnapshotTable } from '@/components/reports/snapshot-table'
import { PageHeader } from '@/components/ui/page-header'
import { Timestamp } from '@/components/ui/timestamp'
import { requirePageActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { isOpenRisk } from '@/lib/domain/report-values'
import { plural } from '@/lib/domain/words'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getReportPage } from '@/lib/server/reports/history'

type Params = Promise<{ planId: string }>

const RECENT_SNAPSHOTS = 7
const linkClass = 'inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50'

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('report:read')
  const { report } = await loadOrNotFound(getReportPage(actor, (await params).planId))
  return { title: `Status report: ${report.plan.title}` }
}

export default async function ReportPage({ params }: { params: Params }) {
  const actor = await requirePageActor('report:read')
  const { planId } = await params
  const { report, trend, since } = await loadOrNotFound(getReportPage(actor, planId))
  const first = trend[0]
  const opened = trend.reduce((sum, p) => sum + p.risksOpened, 0)
  const closed = trend.reduce((sum, p) => sum + p.risksClosed, 0)
  return (
    <>
      <PageHeader
        title={`Status report: ${report.plan.title}`}
        actions={
          <div className="no-print flex flex-wrap items-center gap-2">
            <Link href={`/plans/${planId}`} className={linkClass}>
              The plan
            </Link>
            <a href={`/plans/${planId}/report/export`} download className={linkClass}>
              Export Markdown
            </a>
            {can(actor.role, 'plan:edit') ? <SnapshotButton planId={planId} /> : null}
            <PrintButton />
          </div>
        }
      />
      <ReportView
        report={report}
        afterStatus={
          <Section title="Since the last snapshot">
            {since ? (
              <>
                <p className="text-xs text-zinc-500">
                  Compared with the{' '}
                  <Link
                    href={`/plans/${planId}/report/snapshots/${since.id}`}
                    className="text-indigo-700 underline hover:no-underline print:text-zinc-900"
                  >
                    snapshot of <Timestamp iso={since.takenAt} />
                  </Link>
                  .
                </p>
                <ReportChanges changes={since.changes} />
              </>
            ) : (
              <p className="text-sm text-zinc-500">
                No snapshot yet: the worker takes one every day, and editors can take one at any time.
              </p>
            )}
          </Section>
        }
        afterPhases={
          first ? (
            <Section title="Trend">
              <p className="text-sm text-zinc-600" data-testid="trend-summary">
                Since <Timestamp iso={first.takenAt} /> ({plural(trend.length, 'snapshot')}): progress {first.progress}{' '}
                % → {report.progress} %, {plural(opened, 'risk')} opened, {closed} closed.
              </p>
              <ReportTrend
                points={trend}
                now={{
                  at: report.generatedAt,
                  progress: report.progress,
                  openRisks: report.risks.filter(isOpenRisk).length,
                }}
              />
              <div className="no-print space-y-2">
                <SnapshotTable planId={planId} snapshots={trend.slice(-RECENT_SNAPSHOTS).reverse()} />
                {trend.length > RECENT_SNAPSHOTS ? (
                  <Link href={`/plans/${planId}/report/snapshots`} className="text-sm text-indigo-700 hover:underline">
                    All {trend.length} snapshots
                  </Link>
                ) : null}
              </div>
            </Section>
          ) : null
        }
      />
    </>
  )
}
