import { queryOptions } from '@tanstack/react-query'
import type { ValidationDTO } from '@/lib/server/validations/queries'
import { fetchJson } from './fetch-json'

const LIVE: readonly string[] = ['QUEUED', 'RUNNING']

/** A validation that has not ended yet, so its report still changes. */
export const isLiveValidation = (status: string) => LIVE.includes(status)

/** Validations by id, polled from /api/validations/…: the report and the history's rows share one query each. */
export const validationQueries = {
  all: () => ['validations'] as const,
  details: () => [...validationQueries.all(), 'detail'] as const,
  detail: (validationId: string) =>
    queryOptions({
      queryKey: [...validationQueries.details(), validationId] as const,
      queryFn: () => fetchJson<ValidationDTO>(`/api/validations/${validationId}`),
      // Every second while it runs, not at all once it has ended.
      refetchInterval: (query) => (!query.state.data || isLiveValidation(query.state.data.status) ? 1_000 : false),
    }),
}
