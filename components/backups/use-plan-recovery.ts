'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'

export const recoveryKey = (planId: string) => ['plan', planId, 'recovery'] as const

/**
 * The plan's backups, restores and rehearsals, shared by every part of the plan page that shows them (one
 * request for all): refreshed each second while something is queued or running, else left alone.
 */
export function usePlanRecovery(planId: string, initial: PlanRecoveryDTO) {
  const client = useQueryClient()
  // A server render (a navigation, or a refresh after an action) brings newer figures than the cache holds.
  useEffect(() => {
    client.setQueryData(recoveryKey(planId), initial)
  }, [client, planId, initial])
  const { data = initial, isError } = useQuery({
    queryKey: recoveryKey(planId),
    queryFn: async (): Promise<PlanRecoveryDTO> => {
      const response = await fetch(`/api/plans/${planId}/recovery`, { cache: 'no-store' })
      if (!response.ok) throw new Error(String(response.status))
      return response.json() as Promise<PlanRecoveryDTO>
    },
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.busy ? 1_000 : false),
  })
  const refresh = () => client.invalidateQueries({ queryKey: recoveryKey(planId) })
  return { recovery: data, isError, refresh }
}
