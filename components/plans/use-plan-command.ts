'use client'

import { useState, useTransition } from 'react'
import type { ActionResult } from '@/lib/actions/define-action'

/** Runs a plan action from a button; keeps the refusal message, if any, for display. */
export function usePlanCommand() {
  const [error, setError] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()
  const run = (call: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const result = await call()
      setError(result.ok ? null : result.error)
    })
  return { error, pending, run, clearError: () => setError(null) }
}
