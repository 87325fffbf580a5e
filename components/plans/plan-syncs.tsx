'use client'

import { useQuery } from '@tanstack/react-query'
import { Alert } from '@/components/ui/alert'
import { Table, Td, Th } from '@/components/ui/table'
import { SyncStatusBadge } from '@/components/runs/sync-status'
import { count, downtimeWords, lagWords } from '@/components/runs/sync-figures'
import { planQueries } from '@/lib/queries/plans'
import type { SyncDTO } from '@/lib/server/syncs/queries'

/** The plan's syncs, live: each sync step's state, lag, changes waiting and applied, and its downtime once switched. */
export function PlanSyncs({ planId, initial }: { planId: string; initial: SyncDTO[] }) {
  const { data: syncs = initial, isError } = useQuery({ ...planQueries.syncs(planId), initialData: initial })
  return (
    <div className="space-y-2" data-testid="plan-syncs">
      {isError ? (
        <Alert tone="error">Lost contact with Lockstep; the figures below may be stale. Retrying…</Alert>
      ) : null}
      {syncs.length === 0 ? (
        <p className="text-sm text-zinc-500">No sync has started yet: a run of a phase with a sync step starts one.</p>
      ) : (
        <div className="rounded-md border border-zinc-200 bg-white">
          <Table caption="Syncs of this plan">
            <thead>
              <tr>
                <Th>Step</Th>
                <Th>Environment</Th>
                <Th>Status</Th>
                <Th className="text-right">Lag</Th>
                <Th className="text-right">Waiting</Th>
                <Th className="text-right">Applied</Th>
                <Th className="text-right">Downtime</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {syncs.map((s) => {
                const active = s.status === 'FOLLOWING' || s.status === 'CUTTING_OVER'
                return (
                  <tr key={s.id} data-testid="plan-sync">
                    <Td>
                      <span className="font-medium">{s.stepName}</span>
                    </Td>
                    <Td>{s.environmentName}</Td>
                    <Td>
                      <SyncStatusBadge status={s.status} />
                      {s.status === 'FOLLOWING' && !s.isLive ? (
                        <span className="block text-xs text-amber-800">not live: no worker is following it</span>
                      ) : null}
                    </Td>
                    <Td className="text-right tabular-nums">{active ? lagWords(s.lagSeconds) : '—'}</Td>
                    <Td className="text-right tabular-nums">{count(s.waitingChanges)}</Td>
                    <Td className="text-right tabular-nums">{count(s.appliedChanges)}</Td>
                    <Td className="text-right tabular-nums">
                      {s.status === 'SWITCHED' && s.downtimeMs !== null ? downtimeWords(s.downtimeMs) : '—'}
                    </Td>
                  </tr>
                )
              })}
            </tbody>
          </Table>
        </div>
      )}
    </div>
  )
}
