import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { isEndedRun } from '@/lib/domain/states/run'
import type { SyncStatus } from '@/lib/generated/prisma/enums'
import type { RunDTO } from '@/lib/server/runs/queries'
import type { CopyRejectsDTO } from '@/lib/server/runs/rejects'
import { fetchJson } from './fetch-json'

/** A page of a copy step's rejected rows; `table` and `column` narrow it to one column's rejects. */
export type RejectsPage = { step: string; offset: number; table?: string; column?: string }

const LIVE_SYNC = new Set<SyncStatus>(['COPYING', 'FOLLOWING', 'CUTTING_OVER'])

/** The run page's queries, polled from /api/runs/…; rejects sit beside the details so a run refresh leaves them be. */
export const runQueries = {
  all: () => ['runs'] as const,
  details: () => [...runQueries.all(), 'detail'] as const,
  detail: (runId: string) =>
    queryOptions({
      queryKey: [...runQueries.details(), runId] as const,
      queryFn: () => fetchJson<RunDTO>(`/api/runs/${runId}`),
      // Every second while it moves; slower while it waits for a person, or has ended with a sync it started
      // still following the source (its lag keeps moving); not at all once it has ended otherwise.
      refetchInterval: (query) =>
        query.state.data && isEndedRun(query.state.data.status)
          ? query.state.data.steps.some((s) => s.sync && LIVE_SYNC.has(s.sync.status))
            ? 2_000
            : false
          : query.state.data?.status === 'WAITING'
            ? 3_000
            : 1_000,
    }),
  rejects: (runId: string, page: RejectsPage) =>
    queryOptions({
      queryKey: [...runQueries.all(), 'rejects', runId, page] as const,
      queryFn: () => {
        const search = new URLSearchParams({
          step: page.step,
          offset: String(page.offset),
          ...(page.table ? { table: page.table, column: page.column ?? '' } : {}),
        })
        return fetchJson<CopyRejectsDTO>(
          `/api/runs/${runId}/rejects?${search}`,
          'The rejected rows could not be loaded.',
        )
      },
      placeholderData: keepPreviousData,
    }),
}
