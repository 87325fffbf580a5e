'use client'

import { useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'

/** A signing secret, shown this once (after registering or rotating): it is kept only encrypted afterwards. */
export function SecretOnce({ secret, message }: { secret: string; message: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <Alert tone="success">
      <p>{message}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="signing-secret"
          className="min-w-0 rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900 ring-1 ring-emerald-200"
        >
          {secret}
        </code>
        <Button
          size="sm"
          variant="secondary"
          onClick={() =>
            void navigator.clipboard
              ?.writeText(secret)
              .then(() => setCopied(true))
              .catch(() => setCopied(false))
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </Alert>
  )
}
