import type { Metadata } from 'next'
import Link from 'next/link'
import { RunStatusBadge } from '@/components/runs/run-status'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { Timestamp } from '@/components/ui/timestamp'
import { requirePageActor } from '@/lib/auth/current-user'
import { listRuns } from '@/lib/server/runs/queries'

export const metadata: Metadata = { title: 'Runs' }

export default async function RunsPage() {
  const actor = await requirePageActor('run:read')
  const runs = await listRuns(actor)
  return (
    <>
      <PageHeader
        title="Runs"
        description="Each run executes one phase's steps on an environment; a worker runs it, this page only shows it."
      />
      {runs.length === 0 ? (
        <EmptyState title="No runs">
          Start a run from a plan’s phase. Queued, running and finished runs appear here with their progress.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white">
          {runs.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm" data-testid="run-row">
              <RunStatusBadge status={r.status} />
              <Link href={`/runs/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                {r.dryRun ? 'Dry run' : 'Run'} of {r.phaseName}
              </Link>
              <span className="text-zinc-600">
                {r.planTitle} · {r.environmentName} · {r.requestedByName}
              </span>
              <span className="ml-auto text-xs text-zinc-500">
                <Timestamp iso={r.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
