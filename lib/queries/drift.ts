import { queryOptions } from '@tanstack/react-query'
import type { ConnectionDriftDTO } from '@/lib/server/drift/queries'
import { fetchJson } from './fetch-json'

/** A target's drift view, polled from /api/connections/…/drift while a check is queued or running. */
export const driftQueries = {
  all: () => ['drift'] as const,
  connection: (connectionId: string) =>
    queryOptions({
      queryKey: [...driftQueries.all(), connectionId] as const,
      queryFn: () => fetchJson<ConnectionDriftDTO>(`/api/connections/${connectionId}/drift`),
      refetchInterval: (query) => (query.state.data?.pending ? 1_000 : false),
    }),
}
