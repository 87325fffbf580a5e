import Link from 'next/link'
import { Badge } from '@/components/ui/badge'
import { Timestamp } from '@/components/ui/timestamp'
import type { WindowDTO } from '@/lib/server/windows/queries'
import { WindowDecision } from './window-decision'
import { WindowStatusBadge } from './window-status'

export function WindowList({ windows, empty }: { windows: WindowDTO[]; empty: string }) {
  if (windows.length === 0) return <p className="text-sm text-zinc-500">{empty}</p>
  return (
    <ul className="space-y-3">
      {windows.map((w) => (
        <li key={w.id} data-testid="window" className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="space-y-1 text-sm">
              <p className="flex flex-wrap items-center gap-2">
                <WindowStatusBadge state={w.state} />
                <span className="font-semibold">{w.environment.name}</span>
                {w.environment.protected ? <Badge tone="danger">Protected</Badge> : null}
                <span className="text-zinc-500">·</span>
                <Link href={`/plans/${w.plan.id}`} className="text-indigo-700 hover:underline">
                  {w.plan.title}
                </Link>
                {w.phaseName ? <span className="text-zinc-600">· {w.phaseName}</span> : null}
              </p>
              <p className="text-zinc-700">
                <Timestamp iso={w.startsAt} /> → <Timestamp iso={w.endsAt} />
                {w.latestStartAt !== w.endsAt ? (
                  <span className="text-zinc-500">
                    {' '}
                    · runs may start until <Timestamp iso={w.latestStartAt} />
                  </span>
                ) : null}
              </p>
              <p className="text-zinc-700">{w.reason}</p>
              {w.expectedImpact ? <p className="text-zinc-500">Impact: {w.expectedImpact}</p> : null}
              <p className="text-xs text-zinc-500">
                Requested by {w.requestedBy.name}
                {w.decidedByName ? (
                  <>
                    {' '}
                    · {w.state === 'REJECTED' ? 'rejected' : 'approved'} by {w.decidedByName}
                    {w.decisionNote ? `: “${w.decisionNote}”` : ''}
                  </>
                ) : w.decisionNote ? (
                  <span className="text-amber-800" data-testid="window-reopened">
                    {' '}
                    · {w.decisionNote}
                  </span>
                ) : null}
              </p>
            </div>
            {w.canDecide || w.canCancel ? <WindowDecision window={w} /> : null}
          </div>
        </li>
      ))}
    </ul>
  )
}
