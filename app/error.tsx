'use client'

import { Button } from '@/components/ui/button'

// Shown for unexpected failures; the details stay in the server log (the digest links the two).
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 max-w-md text-sm text-zinc-600">
        Lockstep could not show this page. Nothing you entered was lost; try again.
        {error.digest ? <span className="mt-1 block text-xs text-zinc-500">Reference: {error.digest}</span> : null}
      </p>
      <Button className="mt-6" onClick={reset}>
        Try again
      </Button>
    </main>
  )
}
