'use client'

import Link from 'next/link'
import { useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert } from '@/components/ui/alert'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { acknowledgeDriftAction, requestDriftCheckAction } from '@/lib/actions/drift'
import { plural } from '@/lib/domain/words'
import type { DriftObject } from '@/lib/domain/drift'
import type { ConnectionDriftDTO, DriftCheckDTO } from '@/lib/server/drift/queries'
import { driftQueries } from '@/lib/queries/drift'
import { DriftStatusBadge } from './drift-status'

const TRIGGERS: Record<DriftCheckDTO['trigger'], string> = {
  ON_DEMAND: 'asked for',
  BEFORE_RUN: 'before a run',
  PERIODIC: 'periodic',
}
const KIND_TONES = { added: 'info', removed: 'danger', changed: 'warning' } as const

function Found({ objects }: { objects: DriftObject[] }) {
  return (
    <ol className="space-y-3" aria-label="Objects changed outside Lockstep" data-testid="drift-objects">
      {objects.map((o) => (
        <li key={o.object} className="space-y-1 rounded-md border border-zinc-200 p-3">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <code className="font-mono break-all">{o.object}</code>
            <Badge tone={KIND_TONES[o.kind]}>{o.kind}</Badge>
          </p>
          {o.kind === 'changed' ? (
            <p className="text-xs break-all text-zinc-600">
              recorded: <code>{o.recorded}</code>
            </p>
          ) : null}
          <pre className="overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap text-zinc-800">
            {o.ddl}
          </pre>
        </li>
      ))}
    </ol>
  )
}

/**
 * A target's drift: the schema Lockstep recorded, the newest check and what it found (each object with the DDL
 * that reproduces it), a check on demand, and for DBAs the acknowledgement that lets runs go ahead on it.
 */
export function ConnectionDrift({ initial }: { initial: ConnectionDriftDTO }) {
  const queryClient = useQueryClient()
  const query = driftQueries.connection(initial.connection.id)
  const { data: drift = initial } = useQuery({ ...query, initialData: initial })
  const [error, setError] = useState<string | null>(null)
  const [asking, setAsking] = useState(false)
  const refresh = () => queryClient.invalidateQueries({ queryKey: query.queryKey })
  const latest = drift.latest
  return (
    <div className="space-y-6">
      <section aria-labelledby="drift-now" className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="drift-now" className="text-lg font-semibold">
            Now
          </h2>
          {latest ? <DriftStatusBadge status={latest.status} /> : null}
          {drift.pending ? <DriftStatusBadge status={drift.pending.status} /> : null}
          {drift.canCheck ? (
            <Button
              size="sm"
              variant="secondary"
              disabled={asking || !!drift.pending}
              onClick={async () => {
                setAsking(true)
                setError(null)
                const result = await requestDriftCheckAction({ connectionId: drift.connection.id })
                setAsking(false)
                if (!result.ok) setError(result.error)
                await refresh()
              }}
            >
              {drift.pending ? 'Checking…' : 'Check now'}
            </Button>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        ) : null}
        <p className="text-sm text-zinc-600" data-testid="drift-record">
          {drift.record ? (
            <>
              Schema recorded <Timestamp iso={drift.record.takenAt} /> ({plural(drift.record.objects, 'object')}),{' '}
              {drift.record.runId ? (
                <>
                  after <Link href={`/runs/${drift.record.runId}`}>a run</Link>
                </>
              ) : (
                'by the first check'
              )}
              . Lockstep records it again after each successful run.
            </>
          ) : (
            'No schema recorded yet: the first check, or the first successful run, records it.'
          )}
        </p>
        {!latest ? (
          <p className="text-sm text-zinc-500">Not checked yet.</p>
        ) : latest.status === 'FAILED' ? (
          <Alert tone="error">
            The check of <Timestamp iso={latest.finishedAt} /> failed: {latest.error}
          </Alert>
        ) : latest.status === 'DRIFTED' ? (
          <div className="space-y-3">
            <Alert tone={latest.acknowledged ? 'info' : 'error'}>
              Checked <Timestamp iso={latest.finishedAt} />: {plural(latest.objects, 'object')} changed outside Lockstep
              since the schema was recorded.{' '}
              {latest.acknowledged
                ? `${latest.acknowledged.by} acknowledged it: “${latest.acknowledged.reason}”.`
                : drift.connection.protected
                  ? `Runs on ${drift.connection.environmentName} (protected) wait for a DBA to acknowledge it.`
                  : `Runs on ${drift.connection.environmentName} go ahead and say so in their log.`}
            </Alert>
            {drift.canAcknowledge && !latest.acknowledged ? (
              <ConfirmDialog
                triggerLabel="Acknowledge drift…"
                triggerVariant="secondary"
                tone="primary"
                title="Acknowledge this drift?"
                description={`Runs on ${drift.connection.environmentName} may then go ahead on exactly these ${plural(latest.objects, 'object')}; any other change still stops them. The next successful run records the schema with them.`}
                note={{ label: 'Why may it stay?', hint: 'e.g. an index the DBA team added for a slow report.' }}
                confirmLabel="Acknowledge"
                onConfirm={async (reason) => {
                  const result = await acknowledgeDriftAction({ checkId: latest.id, reason })
                  await refresh()
                  return result.ok ? null : result.error
                }}
              />
            ) : null}
            <Found objects={latest.found} />
          </div>
        ) : latest.status === 'CLEAN' ? (
          <Alert tone="success">
            Checked <Timestamp iso={latest.finishedAt} />: the schema is as Lockstep recorded it.
          </Alert>
        ) : (
          <p className="text-sm text-zinc-600">
            Checked <Timestamp iso={latest.finishedAt} />: nothing was recorded before, so the schema was recorded as it
            was.
          </p>
        )}
      </section>
      <section aria-labelledby="drift-history" className="space-y-2">
        <h2 id="drift-history" className="text-lg font-semibold">
          Checks
        </h2>
        {drift.history.length === 0 ? (
          <p className="text-sm text-zinc-500">No checks yet.</p>
        ) : (
          <Table caption="Drift checks of this target">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Why</Th>
                <Th>Outcome</Th>
                <Th>Objects</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {drift.history.map((c) => (
                <tr key={c.id}>
                  <Td>
                    <Timestamp iso={c.finishedAt ?? c.createdAt} />
                  </Td>
                  <Td>
                    {TRIGGERS[c.trigger]}
                    {c.runId ? (
                      <>
                        {' '}
                        (<Link href={`/runs/${c.runId}`}>run</Link>)
                      </>
                    ) : null}
                  </Td>
                  <Td>
                    <DriftStatusBadge status={c.status} />
                    {c.acknowledged ? <span className="ml-2 text-xs text-zinc-600">acknowledged</span> : null}
                  </Td>
                  <Td className="tabular-nums">{c.status === 'DRIFTED' ? c.objects : '–'}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </div>
  )
}
