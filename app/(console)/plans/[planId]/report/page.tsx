import type { Metadata } from 'next'
import Link from 'next/link'
import { PrintButton } from '@/components/reports/print-button'
import { ReportView } from '@/components/reports/report-view'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getPlanReport } from '@/lib/server/reports/queries'

type Params = Promise<{ planId: string }>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('report:read')
  const report = await loadOrNotFound(getPlanReport(actor, (await params).planId))
  return { title: `Status report: ${report.plan.title}` }
}

export default async function ReportPage({ params }: { params: Params }) {
  const actor = await requirePageActor('report:read')
  const { planId } = await params
  const report = await loadOrNotFound(getPlanReport(actor, planId))
  return (
    <>
      <PageHeader
        title={`Status report: ${report.plan.title}`}
        actions={
          <div className="no-print flex flex-wrap items-center gap-2">
            <Link href={`/plans/${planId}`} className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
              The plan
            </Link>
            <a href={`/plans/${planId}/report/export`} download className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
              Export Markdown
            </a>
            <PrintButton />
          </div>
        }
      />
      <ReportView report={report} />
    </>
  )
}
