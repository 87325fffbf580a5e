'use client'

// A client component though it only displays: see components/reports/report-view.tsx (what the web server
// spends on server-rendered markup).
import Link from 'next/link'
import { RunStatusBadge } from '@/components/runs/run-status'
import type { PromotionCell } from '@/lib/domain/promotion'
import type { PromotionGridDTO } from '@/lib/server/runs/promotion-grid'

/**
 * The pipeline view: each phase × environment (in the plan's promotion order) with its latest run, the checksum
 * that ran, and marks for "changed since" and "blocked by promotion". Read-only for every role. On a narrow
 * screen the table scrolls sideways with the phase names kept in view.
 */
export function PromotionGrid({ grid }: { grid: PromotionGridDTO }) {
  if (grid.environments.length === 0)
    return (
      <p className="text-sm text-zinc-500">
        No environment of this plan has a target connection yet; choose one under Environments.
      </p>
    )
  if (grid.phases.length === 0) return <p className="text-sm text-zinc-500">No phases yet.</p>
  return (
    <div
      className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs"
      role="region"
      aria-label="Promotion grid"
      tabIndex={0}
    >
      <table className="w-full min-w-max border-collapse text-sm" data-testid="promotion-grid">
        <caption className="sr-only">
          Latest run of each phase on each environment, in promotion order:{' '}
          {grid.environments.map((e) => e.name).join(' → ')}
        </caption>
        <thead>
          <tr className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-600">
            <th scope="col" className="sticky left-0 z-10 bg-zinc-50 px-3 py-2">
              Phase
            </th>
            {grid.environments.map((e, i) => (
              <th key={e.id} scope="col" className="px-3 py-2 whitespace-nowrap">
                {i > 0 ? (
                  <span aria-hidden="true" className="mr-1 text-zinc-500">
                    →
                  </span>
                ) : null}
                {e.name}
                {e.protected ? <span className="ml-1 text-red-700">(protected)</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.phases.map((phase) => (
            <tr key={phase.id} className="border-b border-zinc-100 align-top last:border-0" data-testid="promotion-row">
              <th
                scope="row"
                className="sticky left-0 z-10 max-w-32 bg-white px-3 py-2 text-left font-medium break-words text-zinc-900 sm:max-w-48"
              >
                {phase.name}
                <span className="block text-xs font-normal text-zinc-500">
                  scripts <code className="font-mono">{phase.checksum}</code>
                </span>
              </th>
              {phase.cells.map((cell) => (
                <td key={cell.environmentId} className="px-3 py-2" data-testid="promotion-cell">
                  <Cell
                    cell={cell}
                    phaseName={phase.name}
                    environmentName={grid.environments.find((e) => e.id === cell.environmentId)?.name ?? ''}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Cell({
  cell,
  phaseName,
  environmentName,
}: {
  cell: PromotionCell
  phaseName: string
  environmentName: string
}) {
  return (
    <div className="flex min-w-32 flex-col items-start gap-1 sm:min-w-40">
      {cell.latest ? (
        <>
          <Link
            href={`/runs/${cell.latest.id}`}
            className="rounded-full hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <span className="sr-only">
              Latest run of {phaseName} on {environmentName}:{' '}
            </span>
            <RunStatusBadge status={cell.latest.status} />
          </Link>
          <span className="text-xs text-zinc-500">
            ran <code className="font-mono">{cell.latest.checksum}</code>
          </span>
          {cell.isStale ? (
            <span className="text-xs text-amber-800" data-testid="promotion-stale">
              <span aria-hidden="true">↺ </span>Scripts changed since: run again
            </span>
          ) : null}
          {cell.latest.overridden ? (
            <span className="text-xs text-amber-800" data-testid="promotion-overridden">
              <span aria-hidden="true">⚑ </span>Started without promotion
            </span>
          ) : null}
        </>
      ) : (
        <span className="text-xs text-zinc-500">Not run</span>
      )}
      {cell.blockedBy ? (
        <span className="text-xs text-red-700" data-testid="promotion-blocked">
          <span aria-hidden="true">⊘ </span>Blocked until it succeeds on {cell.blockedBy.environmentName}:{' '}
          {cell.blockedBy.missing.replace(/^it /, '')}
        </span>
      ) : null}
    </div>
  )
}
