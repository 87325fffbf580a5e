'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { Timestamp } from '@/components/ui/timestamp'
import { cancelRunAction, rollbackRunAction } from '@/lib/actions/runs'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import type { RunDTO } from '@/lib/server/runs/queries'
import { RunStatusBadge } from './run-status'
import { ErrorText } from '@/components/ui/error-text'
import { Alert } from '@/components/ui/alert'

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED']

/** The live view of a run: polls its GET route every second until the run ends. */
export function RunView({ initial }: { initial: RunDTO }) {
  const client = useQueryClient()
  const [error, setError] = useState<string | null>(null)
  const { data: run = initial, dataUpdatedAt } = useQuery({
    queryKey: ['run', initial.id],
    initialData: initial,
    queryFn: async (): Promise<RunDTO> => {
      const response = await fetch(`/api/runs/${initial.id}`, { cache: 'no-store' })
      if (!response.ok) throw new Error(String(response.status))
      return response.json() as Promise<RunDTO>
    },
    refetchInterval: (query) => (TERMINAL.includes(query.state.data?.status ?? '') ? false : 1_000),
  })
  // Elapsed as of the last poll (a render must not read the clock).
  const elapsed = run.startedAt ? Math.max(0, Math.round(((run.finishedAt ? Date.parse(run.finishedAt) : dataUpdatedAt) - Date.parse(run.startedAt)) / 1000)) : null
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="run-summary">
        <RunStatusBadge status={run.status} />
        <span>
          {run.dryRun ? 'Dry run' : 'Run'} of <strong>{run.phaseName}</strong> (
          <Link href={`/plans/${run.plan.id}`} className="text-indigo-700 hover:underline">
            {run.plan.title}
          </Link>
          ) on <strong>{run.environment.name}</strong>
        </span>
        <span className="text-zinc-500">
          started by {run.requestedByName} · <Timestamp iso={run.createdAt} />
          {elapsed !== null ? ` · ${elapsed} s` : ''}
        </span>
        {run.canRollBack ? (
          <ConfirmDialog
            triggerLabel="Roll back…"
            title="Roll back this run?"
            description="The rollback scripts of every step that ran are run on the target, newest first. Steps without a rollback script that changed the target stop the rollback."
            confirmLabel="Roll back"
            phrase={run.environment.protected ? run.environment.name : undefined}
            onConfirm={async () => {
              const result = await rollbackRunAction({ runId: run.id })
              await client.invalidateQueries({ queryKey: ['run', run.id] })
              return result.ok ? null : result.error
            }}
          />
        ) : null}
        {run.canCancel ? (
          <Button
            size="sm"
            variant="secondary"
            onClick={async () => {
              const result = await cancelRunAction({ runId: run.id })
              setError(result.ok ? null : result.error)
              await client.invalidateQueries({ queryKey: ['run', run.id] })
            }}
          >
            Cancel run
          </Button>
        ) : null}
      </div>
      {run.error ? <Alert tone="error">{run.error}</Alert> : null}
      <ErrorText message={error} />
      <ol className="space-y-2" aria-label="Steps">
        {run.steps.map((step, i) => (
          <li key={step.id} className="flex flex-wrap items-center gap-3 rounded-md border border-zinc-200 bg-white px-4 py-2 text-sm" data-testid="run-step">
            <span className="w-6 text-zinc-400 tabular-nums">{i + 1}.</span>
            <RunStatusBadge status={step.status} what="Step" />
            <span className="font-medium">{step.name}</span>
            <span className="text-xs text-zinc-500">{step.kind.toLowerCase()}</span>
            {step.statementsTotal ? (
              <span className="text-xs text-zinc-500 tabular-nums">
                {step.statementsApplied}/{step.statementsTotal} statements
              </span>
            ) : null}
            {step.error ? <span className="w-full text-red-700">{step.error}</span> : null}
          </li>
        ))}
      </ol>
      <section aria-labelledby="log-title" className="space-y-2">
        <h2 id="log-title" className="font-semibold">
          Log
        </h2>
        <ol className="max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-950 p-3 font-mono text-xs text-zinc-100" aria-live="polite" data-testid="run-log">
          {run.events.map((e) => (
            <li key={e.id} className={e.level === 'error' ? 'text-red-300' : e.level === 'warn' ? 'text-amber-200' : ''}>
              <span className="text-zinc-500">{e.createdAt.slice(11, 19)} </span>
              {e.message}
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}
