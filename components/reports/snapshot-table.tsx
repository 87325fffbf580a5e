import Link from 'next/link'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import type { SnapshotPointDTO } from '@/lib/server/reports/history'
import { ReportStatusBadge } from './report-status'

/** Snapshots of a plan's report, newest first, each opening the report as it was. */
export function SnapshotTable({ planId, snapshots }: { planId: string; snapshots: SnapshotPointDTO[] }) {
  return (
    <Table caption="Report snapshots, newest first">
      <thead>
        <tr>
          <Th>Taken</Th>
          <Th>By</Th>
          <Th>Status</Th>
          <Th className="text-right">Progress</Th>
          <Th className="text-right">Open risks</Th>
          <Th className="text-right">Opened / closed</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100" data-testid="snapshots">
        {snapshots.map((s) => (
          <tr key={s.id}>
            <Td>
              <Link
                href={`/plans/${planId}/report/snapshots/${s.id}`}
                className="text-indigo-700 hover:underline print:text-zinc-900"
              >
                <Timestamp iso={s.takenAt} />
              </Link>
            </Td>
            <Td className="text-xs">{s.daily ? 'daily' : (s.takenByName ?? 'on demand')}</Td>
            <Td>
              <ReportStatusBadge status={s.status} />
            </Td>
            <Td className="text-right tabular-nums">{s.progress} %</Td>
            <Td className="text-right tabular-nums">
              {s.openRisks}
              {s.criticalRisks ? <span className="text-red-700"> ({s.criticalRisks} critical)</span> : null}
            </Td>
            <Td className="text-right tabular-nums">
              +{s.risksOpened} / −{s.risksClosed}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  )
}
