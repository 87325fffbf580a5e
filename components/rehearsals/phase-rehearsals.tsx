'use client'

import { useState } from 'react'
import { usePlanRecovery } from '@/components/backups/use-plan-recovery'
import { Button } from '@/components/ui/button'
import { ErrorText } from '@/components/ui/error-text'
import { Timestamp } from '@/components/ui/timestamp'
import { requestRehearsalAction } from '@/lib/actions/rehearsals'
import type { PlanRecoveryDTO } from '@/lib/server/backups/recovery'
import { RehearsalStatusBadge } from './rehearsal-status'

export type RehearsalEnvironment = { id: string; name: string }

type Props = {
  planId: string
  phaseId: string
  phaseName: string
  initial: PlanRecoveryDTO
  /** Non-protected environments with a target for this plan: where a rehearsal may run. */
  environments: RehearsalEnvironment[]
  canRequest: boolean
}

/**
 * A phase's rollback rehearsals – the latest on each environment, and any under way – and for editors a
 * form that queues one. Shown for phases with SQL steps only.
 */
export function PhaseRehearsals({ planId, phaseId, phaseName, initial, environments, canRequest }: Props) {
  const { recovery, refresh } = usePlanRecovery(planId, initial)
  const latest = recovery.rehearsals.filter((r) => r.phaseId === phaseId)
  const pending = recovery.pendingRehearsals.filter((r) => r.phaseId === phaseId)
  const [open, setOpen] = useState(false)
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? '')
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  return (
    <div className="space-y-2 text-sm" data-testid="phase-rehearsals">
      {latest.length === 0 && pending.length === 0 ? (
        <p className="text-zinc-500">Rollback not rehearsed yet.</p>
      ) : null}
      <ul className="space-y-1">
        {latest.map((r) => (
          <li key={r.id} data-testid="rehearsal-result" className="space-y-1">
            <p className="flex flex-wrap items-center gap-2">
              <span>
                Rollback rehearsed <Timestamp iso={r.finishedAt} /> on {r.environmentName}:
              </span>
              <RehearsalStatusBadge status={r.status} />
              {r.current ? null : (
                <span className="text-xs font-medium text-amber-800">stale: a script changed since</span>
              )}
            </p>
            {r.differences.length > 0 ? (
              <ul
                className="list-disc pl-5 font-mono text-xs text-red-800"
                aria-label={`Differences found on ${r.environmentName}`}
              >
                {r.differences.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            ) : null}
            {r.error ? <p className="text-xs text-red-700">{r.error}</p> : null}
          </li>
        ))}
        {pending.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center gap-2" aria-live="polite">
            <RehearsalStatusBadge status={r.status} /> Rollback rehearsal on {r.environmentName}, requested{' '}
            <Timestamp iso={r.createdAt} />
          </li>
        ))}
      </ul>
      {canRequest ? (
        <Button size="sm" variant="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Rehearse rollback…<span className="sr-only"> of {phaseName}</span>
        </Button>
      ) : null}
      {open && canRequest ? (
        environments.length === 0 ? (
          <p className="text-zinc-500">
            A rehearsal runs on an environment that is not protected. Choose a target connection for one first
            (Environments below).
          </p>
        ) : (
          <form
            className="flex flex-wrap items-end gap-3 rounded-md border border-zinc-200 bg-zinc-50 p-3"
            onSubmit={async (event) => {
              event.preventDefault()
              setSubmitting(true)
              const result = await requestRehearsalAction({ planId, phaseId, environmentId })
              setSubmitting(false)
              setError(result.ok ? null : result.error)
              if (result.ok) {
                setOpen(false)
                void refresh()
              }
            }}
          >
            <p className="w-full text-zinc-600">
              Runs each SQL step, then its rollback script, then the step again, on the environment’s target, and
              compares the schema before and after each. The steps stay applied on that target afterwards.
            </p>
            <label className="text-sm">
              <span className="mb-1 block font-medium text-zinc-700">Environment</span>
              <select
                value={environmentId}
                onChange={(e) => setEnvironmentId(e.target.value)}
                className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm"
              >
                {environments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" size="sm" disabled={submitting}>
              {submitting ? 'Queueing…' : 'Start rehearsal'}
            </Button>
            <ErrorText message={error} className="w-full" />
          </form>
        )
      ) : null}
    </div>
  )
}
