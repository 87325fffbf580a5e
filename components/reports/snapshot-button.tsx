'use client'

import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Button } from '@/components/ui/button'
import { takeSnapshotAction } from '@/lib/actions/reports'

/** Keeps the report as it is now, beside the worker's daily snapshots (before a meeting, after a cutover). */
export function SnapshotButton({ planId }: { planId: string }) {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const take = () =>
    startTransition(async () => {
      const result = await takeSnapshotAction({ planId })
      setMessage(
        result.ok ? { ok: true, text: result.message ?? 'Snapshot taken.' } : { ok: false, text: result.error },
      )
      if (result.ok) router.refresh()
    })
  return (
    <span className="inline-flex items-center gap-2">
      <Button size="sm" variant="secondary" onClick={take} disabled={pending}>
        {pending ? 'Taking snapshot…' : 'Take snapshot'}
      </Button>
      {message ? (
        <span
          role={message.ok ? 'status' : 'alert'}
          className={`text-xs ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}
        >
          {message.text}
        </span>
      ) : null}
    </span>
  )
}
