import { queryOptions } from '@tanstack/react-query'
import type { SystemStatusDTO } from '@/lib/server/system/queries'
import { fetchJson } from './fetch-json'

/** Whether the worker processes are alive, polled from /api/system/status for the shell's indicator. */
export const systemQueries = {
  all: () => ['system'] as const,
  status: () =>
    queryOptions({
      queryKey: [...systemQueries.all(), 'status'] as const,
      queryFn: () => fetchJson<SystemStatusDTO>('/api/system/status'),
      refetchInterval: 10_000,
    }),
}
