import { queryOptions } from '@tanstack/react-query'
import { isEndedRun } from '@/lib/domain/states/run'
import type { MonitorDTO } from '@/lib/server/monitoring/queries'
import { fetchJson } from './fetch-json'

export const MONITOR_POLL_MS = 2_000

/** What a monitoring view watches: a run's target, or a connection over its last `minutes`. */
export type MonitorSource = { runId: string } | { connectionId: string; minutes: number }

const monitorOf = (queryKey: readonly unknown[], url: string) =>
  queryOptions({
    queryKey,
    queryFn: () => fetchJson<MonitorDTO>(url),
    // Every 2 seconds while it is live; a run's monitoring stops once the run has ended.
    refetchInterval: (query) =>
      query.state.data?.run && isEndedRun(query.state.data.run.status) ? false : MONITOR_POLL_MS,
  })

/** The monitoring views' queries, polled from /api/monitor/…. */
export const monitorQueries = {
  all: () => ['monitor'] as const,
  run: (runId: string) => monitorOf([...monitorQueries.all(), 'run', runId], `/api/monitor/runs/${runId}`),
  connection: (connectionId: string, minutes: number) =>
    monitorOf(
      [...monitorQueries.all(), 'connection', connectionId, minutes],
      `/api/monitor/connections/${connectionId}?minutes=${minutes}`,
    ),
  of: (source: MonitorSource) =>
    'runId' in source
      ? monitorQueries.run(source.runId)
      : monitorQueries.connection(source.connectionId, source.minutes),
}
