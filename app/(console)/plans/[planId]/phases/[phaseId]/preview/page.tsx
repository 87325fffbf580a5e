import type { Metadata } from 'next'
import Link from 'next/link'
import { PhasePreview } from '@/components/runs/phase-preview'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getPhasePreviewForViewer } from '@/lib/server/runs/preview'

type Params = Promise<{ planId: string; phaseId: string }>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor('plan:read')
  const { planId, phaseId } = await params
  const preview = await loadOrNotFound(getPhasePreviewForViewer(actor, planId, phaseId))
  return { title: `Preview · ${preview.phaseName}` }
}

export default async function PhasePreviewPage({ params }: { params: Params }) {
  const actor = await requirePageActor('plan:read')
  const { planId, phaseId } = await params
  const preview = await loadOrNotFound(getPhasePreviewForViewer(actor, planId, phaseId))
  return (
    <article className="space-y-6">
      <header className="space-y-2">
        <p className="text-sm">
          <Link href={`/plans/${preview.planId}`} className="text-indigo-700 hover:underline">
            ← {preview.planTitle}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Preview: {preview.phaseName}</h1>
        <p className="max-w-3xl text-sm text-zinc-600">
          What a run of this phase would execute if it were started now, read from its steps without touching any
          database: every statement in order with its line, where transactions begin and end, the table lock each
          statement takes, the timeouts, and the gates. Content checksum{' '}
          <code className="font-mono text-xs">{preview.contentChecksum.slice(0, 12)}</code> – a run started now carries
          the same.
        </p>
      </header>
      <PhasePreview preview={preview} />
    </article>
  )
}
