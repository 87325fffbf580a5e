'use client'

import { useQuery } from '@tanstack/react-query'
import { cn } from '@/components/ui/cn'
import { systemQueries } from '@/lib/queries/system'

/** Live indicator of the worker processes, polled from /api/system/status. */
export function WorkerStatus() {
  const { data, isError } = useQuery(systemQueries.status())
  const online = data?.workers.online ?? 0
  const label = isError
    ? 'Status unavailable'
    : !data
      ? 'Checking worker…'
      : online > 0
        ? `Worker online (${online})`
        : 'Worker offline'
  return (
    <p className="flex items-center gap-2 text-xs text-zinc-400" aria-live="polite">
      <span
        aria-hidden
        className={cn(
          'inline-block size-2 rounded-full',
          !data || isError ? 'bg-zinc-500' : online > 0 ? 'bg-emerald-400' : 'bg-red-400',
        )}
      />
      {label}
    </p>
  )
}
