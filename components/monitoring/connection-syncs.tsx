import { count, lagWords } from '@/components/runs/sync-figures'
import { SyncStatusBadge } from '@/components/runs/sync-status'
import type { SyncDTO } from '@/lib/server/syncs/queries'

/** A connection's monitoring: the syncs that copy into this database and follow their sources, with their lag. */
export function ConnectionSyncs({ syncs }: { syncs: SyncDTO[] }) {
  if (!syncs.length) return null
  return (
    <section aria-labelledby="connection-syncs-title" className="space-y-2" data-testid="connection-syncs">
      <h2 id="connection-syncs-title" className="font-semibold">
        Syncs into this database
      </h2>
      <ul className="space-y-1 text-sm">
        {syncs.map((s) => (
          <li
            key={s.id}
            className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-zinc-200 bg-white px-3 py-2"
          >
            <SyncStatusBadge status={s.status} />
            <span className="font-medium">{s.stepName}</span>
            <span className="text-xs text-zinc-500">from {s.source}</span>
            <span className="tabular-nums">
              {s.status === 'COPYING' ? 'initial copy under way' : lagWords(s.lagSeconds)}
            </span>
            <span className="text-xs text-zinc-600 tabular-nums">
              {count(s.waitingChanges)} waiting · {count(s.appliedChanges)} applied
            </span>
            {s.status === 'FOLLOWING' && !s.isLive ? (
              <span className="text-xs text-amber-800">not live: no worker is following it right now</span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
