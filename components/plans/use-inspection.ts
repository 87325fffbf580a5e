'use client'

import { useQuery } from '@tanstack/react-query'
import { useState, useTransition } from 'react'
import { requestSourceInspectionAction } from '@/lib/actions/inspections'
import { isLiveInspection, type InspectionDTO, type InspectionKind } from '@/lib/domain/source-inspection'
import { inspectionQueries } from '@/lib/queries/inspections'

export type InspectionRequest = { environmentId: string; kind: InspectionKind; table?: string; mapping?: string }

/**
 * One reading of the source at a time: `request` queues it (the action refuses a person who may not read
 * this environment's source, with the reason), then the inspection is polled until it ends.
 */
export function useInspection(planId: string) {
  const [id, setId] = useState<string | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()
  const query = useQuery({ ...inspectionQueries.detail(planId, id ?? ''), enabled: id !== null })
  const inspection: InspectionDTO | undefined = id !== null ? query.data : undefined

  const request = (input: InspectionRequest) =>
    startTransition(async () => {
      const result = await requestSourceInspectionAction({ planId, ...input })
      if (result.ok) {
        setRefusal(null)
        setId(result.data.id)
      } else {
        // A mapping the server refuses is named rule by rule (“Mapping – users.id: …”), not as a bare refusal.
        const named = Object.values(result.fieldErrors ?? {}).flat()
        setRefusal(named.length ? named.join(' ') : result.error)
      }
    })

  const failure =
    refusal ??
    (inspection?.state === 'FAILED' ? (inspection.error ?? 'The source could not be read.') : null) ??
    (query.error && id !== null ? `The source could not be read (${query.error.message}).` : null)
  const live = pending || (id !== null && !query.error && (!inspection || isLiveInspection(inspection.state)))
  return {
    request,
    /** Queued or running, or the request is on its way. */
    live,
    state: pending ? ('REQUESTED' as const) : (inspection?.state ?? null),
    failure: live ? null : failure,
    result: inspection?.state === 'DONE' ? inspection.result : null,
  }
}
