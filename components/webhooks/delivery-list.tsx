'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState, useTransition } from 'react'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'
import { Timestamp } from '@/components/ui/timestamp'
import { redeliverWebhookAction } from '@/lib/actions/webhooks'
import type { DeliveryDTO } from '@/lib/server/webhooks/queries'
import { DeliveryStatusBadge } from './delivery-status'

// While a delivery waits to be sent the page reads itself again every few seconds: the worker sends within one.
const REFRESH_MS = 2_000

export function DeliveryList({ deliveries }: { deliveries: DeliveryDTO[] }) {
  const router = useRouter()
  const waiting = deliveries.some((d) => d.status === 'PENDING' && d.attempts === 0)
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => router.refresh(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [waiting, router])
  if (!deliveries.length)
    return (
      <EmptyState title="No deliveries yet">
        Events this webhook listens to appear here as they happen. Send a test event to see the receiver answer.
      </EmptyState>
    )
  return (
    <ul className="divide-y divide-zinc-100" aria-label="Deliveries">
      {deliveries.map((d) => (
        <DeliveryItem key={d.id} delivery={d} />
      ))}
    </ul>
  )
}

function DeliveryItem({ delivery: d }: { delivery: DeliveryDTO }) {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const [error, setError] = useState<string | null>(null)
  return (
    <li className="px-5 py-3" data-testid="delivery">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <DeliveryStatusBadge status={d.status} />
        <span className="font-mono text-sm text-zinc-900">{d.type}</span>
        <span className="text-xs text-zinc-600">
          <Timestamp iso={d.createdAt} /> · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
          {d.nextAttemptAt && d.attempts > 0 ? (
            <>
              {' '}
              · next at <Timestamp iso={d.nextAttemptAt} />
            </>
          ) : null}
        </span>
        {d.status === 'FAILED' ? (
          <Button
            size="sm"
            variant="secondary"
            className="ml-auto"
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await redeliverWebhookAction({ deliveryId: d.id })
                setError(result.ok ? null : result.error)
                router.refresh()
              })
            }
          >
            Redeliver
          </Button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-indigo-700">Payload and answers</summary>
        <p className="mt-2 text-xs text-zinc-600">Delivery id (the webhook-id header): {d.id}</p>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-50 p-2 text-xs">
          {JSON.stringify(d.payload, null, 2)}
        </pre>
        <ol className="mt-2 space-y-2" aria-label="Attempts">
          {d.tries.map((t, i) => (
            <li key={t.id} className="rounded border border-zinc-200 p-2" data-testid="attempt">
              <p className="text-xs text-zinc-700">
                Attempt {i + 1} · <Timestamp iso={t.startedAt} /> · {t.durationMs} ms ·{' '}
                <span className="font-medium" data-testid="attempt-status">
                  {t.statusCode === null ? 'no answer' : `HTTP ${t.statusCode}`}
                </span>
              </p>
              {t.error ? <p className="mt-1 text-xs text-red-700">{t.error}</p> : null}
              {t.responseBody ? (
                <pre className="mt-1 max-h-40 overflow-auto rounded bg-zinc-50 p-2 text-xs" data-testid="attempt-body">
                  {t.responseBody}
                </pre>
              ) : null}
            </li>
          ))}
        </ol>
      </details>
    </li>
  )
}
