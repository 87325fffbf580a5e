import type { Metadata } from 'next'
import Link from 'next/link'
import { ReportStatusBadge } from '@/components/reports/report-status'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { requirePageActor } from '@/lib/auth/current-user'
import { listPortfolio } from '@/lib/server/reports/queries'

export const metadata: Metadata = { title: 'Status reports' }

export default async function PortfolioPage() {
  const actor = await requirePageActor('report:read')
  const plans = await listPortfolio(actor)
  return (
    <>
      <PageHeader
        title="Status reports"
        description="Every plan in progress at a glance: its status and why, how far it is, its next maintenance window and its most severe open risk."
      />
      {plans.length === 0 ? (
        <EmptyState title="No plan in progress">
          Draft and active plans appear here with their status report.
        </EmptyState>
      ) : (
        <Table caption="Plans in progress">
          <thead>
            <tr>
              <Th>Plan</Th>
              <Th>Status</Th>
              <Th className="w-40">Progress</Th>
              <Th>Next window</Th>
              <Th>Top risk</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 bg-white" data-testid="portfolio">
            {plans.map((p) => (
              <tr key={p.id}>
                <Td>
                  <Link href={`/plans/${p.id}/report`} className="font-medium text-indigo-700 hover:underline">
                    {p.title}
                  </Link>
                  <span className="block text-xs text-zinc-500">{p.ownerName}</span>
                </Td>
                <Td>
                  <ReportStatusBadge status={p.verdict.status} />
                  {p.verdict.status !== 'ON_TRACK' && p.verdict.status !== 'DONE' ? (
                    <span className="mt-1 block max-w-xs text-xs text-zinc-600">{p.verdict.reasons[0]}</span>
                  ) : null}
                </Td>
                <Td>
                  <ProgressBar value={p.progress} label={`${p.title}: progress`} />
                </Td>
                <Td className="text-xs">
                  {p.nextWindow ? (
                    <>
                      <Timestamp iso={p.nextWindow.startsAt} /> on {p.nextWindow.environmentName}
                      {p.nextWindow.status === 'REQUESTED' ? ' (requested)' : ''}
                    </>
                  ) : (
                    <span className="text-zinc-500">none</span>
                  )}
                </Td>
                <Td className={`text-xs ${p.topRisk?.critical ? 'font-semibold text-red-800' : ''}`}>
                  {p.topRisk ? (
                    `${p.topRisk.title}${p.topRisk.score !== null ? ` (${p.topRisk.score})` : ''}`
                  ) : (
                    <span className="text-zinc-500">none open</span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  )
}
