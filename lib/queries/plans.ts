import { queryOptions } from '@tanstack/react-query'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'
import type { SyncDTO } from '@/lib/server/syncs/queries'
import { fetchJson } from './fetch-json'

/** A plan's live parts, polled from /api/plans/…. */
export const planQueries = {
  all: () => ['plans'] as const,
  detail: (planId: string) => [...planQueries.all(), planId] as const,
  // The plan's backups, restores and rehearsals: each second while something is queued or running, else left alone.
  recovery: (planId: string) =>
    queryOptions({
      queryKey: [...planQueries.detail(planId), 'recovery'] as const,
      queryFn: () => fetchJson<PlanRecoveryDTO>(`/api/plans/${planId}/recovery`),
      refetchInterval: (query) => (query.state.data?.busy ? 1_000 : false),
    }),
  // The plan's syncs: every 2 seconds while one copies, follows or cuts over (or none has started yet), else slower.
  syncs: (planId: string) =>
    queryOptions({
      queryKey: [...planQueries.detail(planId), 'syncs'] as const,
      queryFn: () => fetchJson<SyncDTO[]>(`/api/plans/${planId}/syncs`),
      refetchInterval: (query) =>
        !query.state.data?.length || query.state.data.some((s) => ACTIVE_SYNC.has(s.status)) ? 2_000 : 15_000,
    }),
}

const ACTIVE_SYNC = new Set<SyncDTO['status']>(['COPYING', 'FOLLOWING', 'CUTTING_OVER'])
