'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { Timestamp } from '@/components/ui/timestamp'
import {
  cancelRunAction,
  markRunAppliedAction,
  markRunRolledBackAction,
  releaseGateAction,
  retryRunAction,
  rollbackRunAction,
} from '@/lib/actions/runs'
import { LintBadge } from '@/components/plans/lint-report'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import type { RunDTO } from '@/lib/server/runs/queries'
import { runQueries } from '@/lib/queries/runs'
import { CopyProgress } from './copy-progress'
import { StepValidation } from '@/components/validations/validation-report'
import { RunStatusBadge, StepStatusBadge } from './run-status'
import { ErrorText } from '@/components/ui/error-text'
import { Alert } from '@/components/ui/alert'
import { Observation } from './observation'
import { BackupArtifact } from '@/components/backups/backup-artifact'
import { CutoverPanel } from './cutover-panel'
import { SyncPanel } from './sync-panel'

/** The live view of a run: polls its GET route every second until the run ends. */
export function RunView({ initial }: { initial: RunDTO }) {
  const client = useQueryClient()
  const [error, setError] = useState<string | null>(null)
  const refresh = () => client.invalidateQueries({ queryKey: runQueries.detail(initial.id).queryKey })
  const { data: run = initial, dataUpdatedAt } = useQuery({ ...runQueries.detail(initial.id), initialData: initial })
  // Elapsed as of the last poll (a render must not read the clock).
  const elapsed = run.startedAt
    ? Math.max(
        0,
        Math.round(((run.finishedAt ? Date.parse(run.finishedAt) : dataUpdatedAt) - Date.parse(run.startedAt)) / 1000),
      )
    : null
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
          {run.contentChecksum ? (
            <>
              {' · '}scripts <code className="font-mono text-xs">{run.contentChecksum}</code>
            </>
          ) : null}
          {elapsed !== null ? ` · ${elapsed} s` : ''}
        </span>
        {run.canCancel ? (
          <Button
            size="sm"
            variant="secondary"
            onClick={async () => {
              const result = await cancelRunAction({ runId: run.id })
              setError(result.ok ? null : result.error)
              await client.invalidateQueries({ queryKey: runQueries.detail(run.id).queryKey })
            }}
          >
            Cancel run
          </Button>
        ) : null}
      </div>
      {run.promotionOverride ? (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="run-promotion-override"
        >
          Promoted without {run.promotionOverride.skipped} by {run.promotionOverride.byName}:{' '}
          {run.promotionOverride.reason}
        </p>
      ) : null}
      {run.safeguards && !run.dryRun ? (
        <p className="text-sm text-zinc-600" data-testid="run-safeguards">
          On {run.environment.name}: {run.safeguards}
        </p>
      ) : null}
      {run.rehearsal ? (
        <p className="text-sm text-emerald-800" data-testid="run-rehearsal">
          Rollback rehearsed <Timestamp iso={run.rehearsal.finishedAt} /> on {run.rehearsal.environmentName}: identical,
          for exactly these scripts
        </p>
      ) : null}
      {run.coveredBy ? (
        <p className="text-sm text-emerald-800" data-testid="run-backup">
          Covered by backup {run.coveredBy.connectionName} taken <Timestamp iso={run.coveredBy.takenAt} /> (read back
          {run.coveredBy.required ? `, as ${run.environment.name} requires` : ''})
        </p>
      ) : null}
      {run.error ? <Alert tone="error">{run.error}</Alert> : null}
      <ErrorText message={error} />
      <Gate run={run} refresh={refresh} />
      <Decisions run={run} refresh={refresh} />
      <ol className="space-y-2" aria-label="Steps">
        {run.steps.map((step, i) => (
          <li
            key={step.id}
            className="flex flex-wrap items-center gap-3 rounded-md border border-zinc-200 bg-white px-4 py-2 text-sm"
            data-testid="run-step"
          >
            <span className="w-6 text-zinc-500 tabular-nums">{i + 1}.</span>
            <StepStatusBadge status={step.status} />
            <span className="font-medium">{step.name}</span>
            <span className="text-xs text-zinc-500">{step.kind.toLowerCase()}</span>
            {step.statementsTotal ? (
              <span className="text-xs text-zinc-500 tabular-nums">
                {step.statementsApplied}/{step.statementsTotal} statements
              </span>
            ) : null}
            {step.kind === 'SQL' ? <LintBadge lint={step.lint} accepted={!!step.lint?.accepted} /> : null}
            {step.currentStatement ? (
              <div className="w-full" data-testid="running-statement">
                <p className="text-xs text-zinc-500">
                  Running now{step.backendPid ? ` (backend ${step.backendPid})` : ''}:
                </p>
                <pre className="max-h-32 overflow-auto rounded bg-zinc-50 px-2 py-1 font-mono text-xs whitespace-pre-wrap">
                  {step.currentStatement}
                </pre>
              </div>
            ) : null}
            {step.copy ? <CopyProgress runId={run.id} step={{ ...step, copy: step.copy }} /> : null}
            {step.cutover ? <CutoverPanel cutover={step.cutover} planId={run.plan.id} /> : null}
            {step.sync ? <SyncPanel sync={step.sync} refresh={refresh} /> : null}
            {step.validationId ? (
              // min-w-0: a wide validation table scrolls in its own box instead of widening the page on a phone.
              <div className="w-full min-w-0">
                <StepValidation validationId={step.validationId} />
              </div>
            ) : null}
            {step.backup ? <BackupArtifact backup={step.backup} showError={!step.error} /> : null}
            {step.observe ? (
              <Observation
                runId={run.id}
                observe={step.observe}
                running={step.status === 'RUNNING'}
                finishedAt={step.finishedAt}
              />
            ) : null}
            {step.error ? <span className="w-full text-red-700">{step.error}</span> : null}
            {step.changedScript ? (
              <p className="w-full text-sm" data-testid="changed-script">
                The script changed after it ran on {step.changedScript.environmentName}.{' '}
                <Link href={step.changedScript.href} className="text-indigo-700 underline">
                  See the diff between the applied and the current text
                </Link>
                ; a DBA can accept the new checksum there (like Flyway&apos;s repair), or put the change in a new step.
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      <section aria-labelledby="log-title" className="space-y-2">
        <h2 id="log-title" className="font-semibold">
          Log
        </h2>
        <ol
          tabIndex={0}
          aria-labelledby="log-title"
          className="max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-950 p-3 font-mono text-xs break-words text-zinc-100"
          aria-live="polite"
          data-testid="run-log"
        >
          {run.events.map((e) => (
            <li
              key={e.id}
              className={e.level === 'error' ? 'text-red-300' : e.level === 'warn' ? 'text-amber-200' : ''}
            >
              <time dateTime={e.createdAt} className="text-zinc-400">
                {e.createdAt.slice(11, 19)}{' '}
              </time>
              {e.message}
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}

type PanelProps = { run: RunDTO; refresh: () => Promise<void> }

/** A run stopped at a manual gate: what to check, and the release for those who may give it. */
function Gate({ run, refresh }: PanelProps) {
  const gate = run.steps.find((s) => s.status === 'WAITING')
  if (run.status !== 'WAITING' || !gate) return null
  return (
    <section
      aria-labelledby="gate-title"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm"
    >
      <h2 id="gate-title" className="font-semibold">
        Waiting at “{gate.name}”
      </h2>
      {gate.instructions ? <p className="whitespace-pre-wrap">{gate.instructions}</p> : null}
      <p className="text-zinc-700">
        The run goes on with its next step once a person releases this gate. No worker is held meanwhile.
      </p>
      {run.canRelease ? (
        <ConfirmDialog
          triggerLabel="Release gate…"
          triggerVariant="primary"
          tone="primary"
          title={`Release “${gate.name}”?`}
          description="The run is queued again and a worker goes on with the next step."
          confirmLabel="Release"
          onConfirm={async () => {
            const result = await releaseGateAction({ runId: run.id })
            await refresh()
            return result.ok ? null : result.error
          }}
        />
      ) : (
        <p className="text-zinc-600">{run.environment.protected ? 'A DBA' : 'A project lead or DBA'} releases it.</p>
      )}
    </section>
  )
}

/** The guided ways out of a failed (or cancelled) run, each explained; only DBAs decide. */
function Decisions({ run, refresh }: PanelProps) {
  const stopped = ['FAILED', 'ROLLBACK_FAILED', 'CANCELLED'].includes(run.status) && !run.dryRun
  if (!stopped) return null
  const any = run.canRetry || run.canRollBack || run.canMarkApplied || run.canMarkRolledBack
  const act = async (call: Promise<{ ok: true } | { ok: false; error: string }>) => {
    const result = await call
    await refresh()
    return result.ok ? null : result.error
  }
  const phrase = run.environment.protected ? run.environment.name : undefined
  return (
    <section
      aria-labelledby="decide-title"
      className="space-y-3 rounded-md border border-zinc-200 bg-white p-4 text-sm"
    >
      <h2 id="decide-title" className="font-semibold">
        How to go on
      </h2>
      {!any ? (
        <p className="text-zinc-600">
          A DBA decides: retry the failed step, roll the run back, or record what was fixed by hand.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {run.canRetry ? (
            <DecisionRow
              name="Retry"
              explanation="after fixing the cause, run the failed step again. A script that ran statement by statement goes on from its first unapplied statement."
            >
              <ConfirmDialog
                triggerLabel="Retry…"
                tone="primary"
                title="Retry the failed step?"
                description="The run is queued again and goes on from its failed step."
                confirmLabel="Retry"
                phrase={phrase}
                onConfirm={() => act(retryRunAction({ runId: run.id }))}
              />
            </DecisionRow>
          ) : null}
          {run.canRollBack ? (
            <DecisionRow
              name="Roll back"
              explanation="a worker runs the rollback scripts of every step that ran, newest first. A step that changed the target without a rollback script stops it."
            >
              <ConfirmDialog
                triggerLabel="Roll back…"
                title="Roll back this run?"
                description="The rollback scripts of every step that ran are run on the target, newest first."
                confirmLabel="Roll back"
                phrase={phrase}
                onConfirm={() => act(rollbackRunAction({ runId: run.id }))}
              />
            </DecisionRow>
          ) : run.canMarkRolledBack ? (
            <DecisionRow
              name="Nothing to roll back"
              explanation="no step of this run changed the target in a way a rollback undoes."
            >
              {null}
            </DecisionRow>
          ) : null}
          {run.canMarkApplied ? (
            <DecisionRow
              name="Mark applied"
              explanation="you finished the failed script by hand. The target's history records it applied, and the run goes on with its next steps."
            >
              <ConfirmDialog
                triggerLabel="Mark applied…"
                tone="primary"
                title="Mark the failed step applied?"
                description="Lockstep will not run this script on this target again."
                note={{ label: 'What did you do by hand?' }}
                confirmLabel="Mark applied"
                phrase={phrase}
                onConfirm={(note) => act(markRunAppliedAction({ runId: run.id, note }))}
              />
            </DecisionRow>
          ) : null}
          {run.canMarkRolledBack ? (
            <DecisionRow
              name="Mark rolled back"
              explanation="you undid everything this run changed by hand. The target's history records its scripts rolled back, so they can run again."
            >
              <ConfirmDialog
                triggerLabel="Mark rolled back…"
                title="Mark the run rolled back?"
                description="The run ends rolled back; nothing is run on the target."
                note={{ label: 'What did you do by hand?' }}
                confirmLabel="Mark rolled back"
                phrase={phrase}
                onConfirm={(note) => act(markRunRolledBackAction({ runId: run.id, note }))}
              />
            </DecisionRow>
          ) : null}
        </ul>
      )}
    </section>
  )
}

/** One way on: what it does, in words, beside the button that asks for it. */
function DecisionRow({
  name,
  explanation,
  children,
}: {
  name: string
  explanation: string
  children: React.ReactNode
}) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-2">
      <p className="max-w-xl text-zinc-700">
        <strong>{name}</strong> – {explanation}
      </p>
      {children}
    </li>
  )
}
