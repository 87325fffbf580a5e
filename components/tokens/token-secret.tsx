'use client'

import { useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'

/** A new token's secret, shown once: copy it now, it cannot be shown again. */
export function TokenSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="space-y-3" data-testid="token-secret">
      <Alert tone="success">
        Token “{name}” created. Copy it now: Lockstep keeps only a fingerprint of it and cannot show it again.
      </Alert>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <code
          className="block min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm break-all select-all"
          aria-label="The new token"
        >
          {secret}
        </code>
        <Button
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <p className="text-xs text-zinc-600">
        Send it as <code className="font-mono">Authorization: Bearer {secret.slice(0, 8)}…</code> to{' '}
        <code className="font-mono">/api/v1</code>, or give it to <code className="font-mono">lockstep remote</code>.
      </p>
      <Button onClick={onDone}>Done</Button>
    </div>
  )
}
