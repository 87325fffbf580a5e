'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { planQueries } from '@/lib/queries/plans'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'

/**
 * The plan's backups, restores and rehearsals, shared by every part of the plan page that shows them (one
 * request for all): refreshed each second while something is queued or running, else left alone.
 */
export function usePlanRecovery(planId: string, initial: PlanRecoveryDTO) {
  const client = useQueryClient()
  // A server render (a navigation, or a refresh after an action) brings newer figures than the cache holds.
  useEffect(() => {
    client.setQueryData(planQueries.recovery(planId).queryKey, initial)
  }, [client, planId, initial])
  const { data = initial, isError } = useQuery({ ...planQueries.recovery(planId), initialData: initial })
  const refresh = () => client.invalidateQueries({ queryKey: planQueries.recovery(planId).queryKey })
  return { recovery: data, isError, refresh }
}
