import { queryOptions } from '@tanstack/react-query'
import { isLiveInspection, type InspectionDTO } from '@/lib/domain/source-inspection'
import { fetchJson } from './fetch-json'

/** Reads of a plan's source by the mapping editor, polled from /api/plans/…/inspections/… until they end. */
export const inspectionQueries = {
  all: () => ['inspections'] as const,
  detail: (planId: string, inspectionId: string) =>
    queryOptions({
      queryKey: [...inspectionQueries.all(), planId, inspectionId] as const,
      queryFn: () => fetchJson<InspectionDTO>(`/api/plans/${planId}/inspections/${inspectionId}`),
      // Every second while the worker reads, not at all once it has ended.
      refetchInterval: (query) => (!query.state.data || isLiveInspection(query.state.data.state) ? 1_000 : false),
    }),
}
