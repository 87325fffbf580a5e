'use client'

import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Table, Td, Th } from '@/components/ui/table'
import { endSyncAction } from '@/lib/actions/syncs'
import { END_SYNC_PHRASE } from '@/lib/domain/sync'
import { formatSeconds } from '@/lib/domain/words'
import type { SyncDTO } from '@/lib/server/syncs/queries'
import { SyncStatusBadge } from './sync-status'
import { clockUtc, count, downtimeWords, lagWords } from './sync-figures'

/**
 * A sync as its run shows it: state, lag, changes waiting and applied, per-table lag, whether the figures are
 * live, the follower's error, and for DBAs the end of the sync without a cutover.
 */
export function SyncPanel({ sync, refresh }: { sync: SyncDTO; refresh: () => Promise<void> }) {
  const active = sync.status === 'FOLLOWING' || sync.status === 'CUTTING_OVER'
  return (
    <section
      aria-label={`Sync of ${sync.stepName}`}
      className="w-full min-w-0 space-y-3 rounded-md border border-indigo-100 bg-indigo-50/40 p-3"
      data-testid="sync-panel"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold">Sync</h3>
        <SyncStatusBadge status={sync.status} />
        <span className="text-xs text-zinc-600">
          From <strong>{sync.source}</strong> · started {clockUtc(sync.startedAt)}
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label="Sync figures">
        <Figure label="Lag" testId="sync-lag">
          {active || sync.status === 'SWITCHED' ? lagWords(sync.lagSeconds) : '—'}
        </Figure>
        <Figure label="Changes waiting" testId="sync-waiting">
          {count(sync.waitingChanges)}
        </Figure>
        <Figure label="Changes applied" testId="sync-applied">
          {count(sync.appliedChanges)}
        </Figure>
        <Figure label="Last applied" testId="sync-last-applied" small>
          {sync.lastAppliedAt ? clockUtc(sync.lastAppliedAt) : 'nothing yet'}
        </Figure>
      </dl>
      {sync.status === 'FOLLOWING' && !sync.isLive ? (
        <p className="text-xs text-amber-800" data-testid="sync-not-live">
          These figures are not live: no worker is following it right now
          {sync.lagAt ? ` (last written ${clockUtc(sync.lagAt)})` : ''}. A running worker takes it up.
        </p>
      ) : null}
      {sync.status === 'SWITCHED' && sync.downtimeMs !== null ? (
        <p className="text-sm text-emerald-800">
          Switched {sync.switchedAt ? clockUtc(sync.switchedAt) : ''} with {downtimeWords(sync.downtimeMs)} of downtime.
        </p>
      ) : null}
      {sync.status === 'ENDED' ? (
        <p className="text-xs text-zinc-600">
          Ended {sync.endedAt ? clockUtc(sync.endedAt) : ''} without a cutover: the target no longer follows the source.
        </p>
      ) : null}
      {sync.lagTables.length ? (
        <Table caption={`Lag per table of ${sync.stepName}`}>
          <thead>
            <tr>
              <Th>Table</Th>
              <Th className="text-right">Changes waiting</Th>
              <Th className="text-right">Oldest waiting</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {sync.lagTables.map((t) => (
              <tr key={t.table}>
                <Td className="font-mono text-xs">{t.table}</Td>
                <Td className="text-right tabular-nums">{count(t.waiting)}</Td>
                <Td className="text-right tabular-nums">{t.waiting ? formatSeconds(t.seconds) : '—'}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
      {sync.error ? (
        <p role="alert" className="text-sm text-red-700" data-testid="sync-error">
          {sync.error}
        </p>
      ) : null}
      {sync.canEnd ? (
        <ConfirmDialog
          triggerLabel="End sync…"
          title={`End the sync of “${sync.stepName}”?`}
          description={
            <>
              The target stops following the source: changes made on the source from now on do not reach it. No cutover
              happens and no downtime is recorded. The next worker removes what the sync made in the source (triggers
              and the change table of a SQLite file). The target keeps the rows it has.
            </>
          }
          confirmLabel="End sync"
          phrase={END_SYNC_PHRASE}
          onConfirm={async () => {
            const result = await endSyncAction({ syncId: sync.id, confirm: END_SYNC_PHRASE })
            await refresh()
            return result.ok ? null : result.error
          }}
        />
      ) : null}
    </section>
  )
}

function Figure({
  label,
  testId,
  small = false,
  children,
}: {
  label: string
  testId: string
  /** An instant rather than a count: smaller, so it fits a phone's half-width box. */
  small?: boolean
  children: React.ReactNode
}) {
  return (
    <div className="min-w-0 rounded-md border border-zinc-200 bg-white px-3 py-2">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`${small ? 'text-sm' : 'text-base'} font-semibold tabular-nums`} data-testid={testId}>
        {children}
      </dd>
    </div>
  )
}
