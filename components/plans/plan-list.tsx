import Link from 'next/link'
import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import type { PlanListItemDTO } from '@/lib/server/plans/queries'
import { PlanStatusBadge } from './status'

export function PlanList({ plans }: { plans: PlanListItemDTO[] }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <Table caption="Plans">
        <thead className="bg-zinc-50">
          <tr>
            <Th>Plan</Th>
            <Th>Status</Th>
            <Th className="w-56">Progress</Th>
            <Th>Open risks</Th>
            <Th>Updated</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {plans.map((plan) => (
            <tr key={plan.id} data-testid="plan-row" className="hover:bg-zinc-50">
              <Td className="min-w-48 wrap-anywhere">
                <Link href={`/plans/${plan.id}`} className="font-medium text-indigo-700 hover:underline">
                  {plan.title}
                </Link>
                <p className="text-xs text-zinc-500">
                  {plan.ownerName} · {plan.phaseCount} phase{plan.phaseCount === 1 ? '' : 's'}
                  {plan.startDate ? ` · starts ${plan.startDate}` : ''}
                </p>
              </Td>
              <Td>
                <PlanStatusBadge status={plan.status} />
              </Td>
              <Td>
                <ProgressBar value={plan.progress} label={`Progress of ${plan.title}`} />
              </Td>
              <Td className="tabular-nums">{plan.openRiskCount}</Td>
              <Td className="whitespace-nowrap">
                <Timestamp iso={plan.updatedAt} />
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  )
}
