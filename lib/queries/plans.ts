import { queryOptions } from '@tanstack/react-query'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'
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
}
