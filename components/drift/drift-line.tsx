import Link from 'next/link'
import { Timestamp } from '@/components/ui/timestamp'
import { plural } from '@/lib/domain/words'
import type { DriftSummaryDTO } from '@/lib/server/drift/queries'
import { DriftStatusBadge } from './drift-status'

/** A connection's drift in one line, on its monitoring view, leading to the drift page. */
export function DriftLine({ summary }: { summary: DriftSummaryDTO }) {
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-700" data-testid="monitor-drift">
      <span className="font-medium">Schema drift:</span>
      {summary.status ? (
        <>
          <DriftStatusBadge status={summary.status} />
          {summary.status === 'DRIFTED' ? (
            <span>
              {plural(summary.objects, 'object')} changed outside Lockstep
              {summary.acknowledged ? ' (acknowledged)' : ''}
            </span>
          ) : null}
          <span className="text-zinc-500">
            checked <Timestamp iso={summary.checkedAt} />
          </span>
        </>
      ) : (
        <span className="text-zinc-500">not checked yet</span>
      )}
      <Link href={`/connections/${summary.connectionId}/drift`} className="font-medium text-indigo-700 hover:underline">
        {summary.status === 'DRIFTED' ? 'See what changed' : 'Drift checks'}
      </Link>
    </p>
  )
}
