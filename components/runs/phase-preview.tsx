import { Badge } from '@/components/ui/badge'
import { EmptyState } from '@/components/ui/empty-state'
import { KIND_NAMES } from '@/lib/domain/step-kinds'
import type { PhasePreviewDTO } from '@/lib/server/runs/preview'
import { SqlPreviewView } from './sql-preview'

// What a run of a phase would do, step by step, without running anything.

export function PhasePreview({ preview }: { preview: PhasePreviewDTO }) {
  if (preview.steps.length === 0)
    return (
      <EmptyState title="Nothing to preview">
        “{preview.phaseName}” has no steps yet, so a run would do nothing (and cannot be started). Add steps on the plan
        page.
      </EmptyState>
    )
  const protectedEnvironments = preview.environments.filter((e) => e.protected)
  return (
    <div className="space-y-6">
      {preview.refusals.length ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-medium">A run cannot start as the phase is now:</p>
          <ul className="list-disc pl-5">
            {preview.refusals.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <section aria-labelledby="gates-title" className="space-y-2">
        <h2 id="gates-title" className="text-lg font-semibold">
          Gates
        </h2>
        {preview.gates.length ? (
          <ul className="space-y-1 text-sm" aria-label="Gates">
            {preview.gates.map((g) => (
              <li key={`${g.step}-${g.text}`}>
                <span className="font-medium">
                  Step {g.step + 1} “{preview.steps[g.step]?.name}”
                </span>{' '}
                {g.text}.
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-zinc-600">No step stops the run for a person or a condition.</p>
        )}
        {protectedEnvironments.map((e) => (
          <div key={e.name} className="text-sm">
            <p>
              On the protected environment <strong>{e.name}</strong> a run also needs:
            </p>
            <ul className="list-disc pl-5 text-zinc-700">
              {e.requires.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      <section aria-labelledby="steps-title" className="space-y-3">
        <h2 id="steps-title" className="text-lg font-semibold">
          Steps, in the order a run executes them
        </h2>
        <ol className="space-y-4">
          {preview.steps.map((s) => (
            <li
              key={s.position}
              className="rounded-lg border border-zinc-200 bg-white shadow-xs"
              data-testid="preview-step"
              aria-labelledby={`step-${s.position}`}
            >
              <header className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-4 py-2">
                <h3 id={`step-${s.position}`} className="min-w-0 flex-1 font-semibold text-zinc-900">
                  <span className="mr-2 text-zinc-500 tabular-nums">{s.position + 1}.</span>
                  {s.name}
                </h3>
                <Badge tone="info">{KIND_NAMES[s.kind]}</Badge>
                {s.gate ? <Badge tone="warning">gate</Badge> : null}
                {s.isDraft ? <Badge tone="danger">draft</Badge> : null}
              </header>
              <div className="space-y-2 px-4 py-3">
                {s.does.map((line) => (
                  <p key={line} className="text-sm text-zinc-700">
                    {line}
                  </p>
                ))}
                {s.gate ? <p className="text-sm font-medium text-amber-900">Gate: {s.gate}.</p> : null}
                {s.sql ? <SqlPreviewView sql={s.sql} /> : null}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}
