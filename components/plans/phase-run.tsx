'use client'

import Link from 'next/link'
import { useState } from 'react'
import { RunStatusBadge } from '@/components/runs/run-status'
import type { RunStatus } from '@/lib/generated/prisma/enums'
import { Button } from '@/components/ui/button'
import { startRunAction } from '@/lib/actions/runs'
import { ErrorText } from '@/components/ui/error-text'
import { useReauthCode } from '@/components/auth/reauth-code'
import { Field, TextArea } from '@/components/ui/field'

export type RunTarget = { id: string; name: string; protected: boolean }
export type LatestRun = { id: string; status: RunStatus; environmentName: string }
/** An environment where promotion refuses the phase's current scripts, and the one they must succeed on first. */
export type PromotionBlock = { environmentId: string; previous: string }

/** The phase's latest run, and for editors a form that queues a new one. */
export function PhaseRun({
  planId,
  phaseId,
  phaseName,
  targets,
  latest,
  canStart,
  blocked = [],
  canOverridePromotion = false,
}: {
  planId: string
  phaseId: string
  phaseName: string
  targets: RunTarget[]
  latest: LatestRun | null
  canStart: boolean
  blocked?: PromotionBlock[]
  /** DBAs: may start one run without promotion, with a written reason. */
  canOverridePromotion?: boolean
}) {
  const [open, setOpen] = useState(false)
  const [environmentId, setEnvironmentId] = useState(targets[0]?.id ?? '')
  const [dryRun, setDryRun] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const [overrideReason, setOverrideReason] = useState('')
  // Refused by promotion although the page did not know (someone changed a script or a run meanwhile).
  const [refusedOn, setRefusedOn] = useState<string | null>(null)
  const reauth = useReauthCode()
  const block = dryRun ? undefined : blocked.find((b) => b.environmentId === environmentId)
  const promotionRefused = !dryRun && (!!block || refusedOn === environmentId)
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {latest ? (
        <Link
          href={`/runs/${latest.id}`}
          className="inline-flex items-center gap-2 hover:underline"
          data-testid="latest-run"
        >
          Latest run on {latest.environmentName}: <RunStatusBadge status={latest.status} />
        </Link>
      ) : null}
      {canStart ? (
        <Button size="sm" variant="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Run…<span className="sr-only"> {phaseName}</span>
        </Button>
      ) : null}
      {open && canStart ? (
        targets.length === 0 ? (
          <p className="w-full text-zinc-500">
            Choose a target connection for an environment first (Environments below).
          </p>
        ) : (
          <form
            className="flex w-full flex-wrap items-end gap-3 rounded-md border border-zinc-200 bg-zinc-50 p-3"
            onSubmit={async (event) => {
              event.preventDefault()
              setPending(true)
              const result = await startRunAction({
                planId,
                phaseId,
                environmentId,
                dryRun: dryRun ? 'on' : '',
                promotionOverrideReason: promotionRefused && canOverridePromotion ? overrideReason : '',
                ...reauth.input,
              })
              setPending(false)
              reauth.answered(result)
              if (result && !result.ok) {
                setError(result.error)
                if (result.fieldErrors?.promotionOverrideReason) setRefusedOn(environmentId)
              }
            }}
          >
            <label className="text-sm">
              <span className="mb-1 block font-medium text-zinc-700">Environment</span>
              <select
                value={environmentId}
                onChange={(e) => setEnvironmentId(e.target.value)}
                className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm"
              >
                {targets.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                    {t.protected ? ' (protected)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-2 pb-1.5 text-sm">
              <input
                type="checkbox"
                checked={dryRun}
                onChange={(e) => setDryRun(e.target.checked)}
                aria-describedby={dryRun ? `dry-run-note-${phaseId}` : undefined}
                className="size-4 accent-indigo-600"
              />
              Dry run (roll back each script)
            </label>
            {dryRun ? (
              <p id={`dry-run-note-${phaseId}`} className="w-full text-xs text-amber-800" data-testid="dry-run-note">
                A dry run executes each script on the target and rolls it back. It takes the same locks while it runs;
                what happens outside a transaction – a sequence advanced, a session signalled – is not undone, and
                statements that cannot run in a transaction are skipped. On a protected environment it needs the same
                window, checks and code as a run.
              </p>
            ) : null}
            {block ? (
              <p className="w-full text-xs text-red-700" data-testid="promotion-note">
                Promotion: “{phaseName}” has not succeeded on {block.previous} with its current scripts; a run here is
                refused
                {canOverridePromotion
                  ? ' unless you give a reason to start it anyway'
                  : ' (a DBA can override it with a reason)'}
                .
              </p>
            ) : null}
            {promotionRefused && canOverridePromotion ? (
              <div className="w-full max-w-xl">
                <Field
                  label={`Reason to start without ${block?.previous ?? 'the previous environment'} (DBA override, this run only)`}
                  name="promotionOverrideReason"
                  id={`promotion-override-${phaseId}`}
                  hint="Kept with the run and in the audit log."
                >
                  <TextArea
                    id={`promotion-override-${phaseId}`}
                    name="promotionOverrideReason"
                    rows={2}
                    maxLength={2000}
                    value={overrideReason}
                    onChange={(e) => setOverrideReason(e.target.value)}
                  />
                </Field>
              </div>
            ) : null}
            {reauth.field}
            <Button type="submit" size="sm" disabled={pending}>
              {pending ? 'Queueing…' : 'Start run'}
            </Button>
            <ErrorText message={error} className="w-full" />
          </form>
        )
      ) : null}
    </div>
  )
}
