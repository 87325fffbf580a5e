import type { Metadata } from 'next'
import Link from 'next/link'
import { RunView } from '@/components/runs/run-view'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getRun } from '@/lib/server/runs/queries'

export const metadata: Metadata = { title: 'Run' }

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const actor = await requirePageActor('run:read')
  const run = await loadOrNotFound(getRun(actor, (await params).runId))
  return (
    <>
      <PageHeader
        title={`${run.dryRun ? 'Dry run' : 'Run'}: ${run.phaseName}`}
        actions={
          <Link
            href={`/runs/${run.id}/monitor`}
            className="rounded-md px-2.5 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
          >
            Monitoring
          </Link>
        }
      />
      <RunView initial={run} />
    </>
  )
}
