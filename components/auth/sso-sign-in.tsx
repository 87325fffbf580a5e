'use client'

import { useActionState, useEffect, useRef } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { ssoSignInAction } from '@/lib/actions/auth'

/**
 * "Continue with …": sends the browser to the identity provider. `refusal` is why the last single sign-on
 * came back refused (from the sign-in page's address), shown once and given focus.
 */
export function SsoSignIn({ name, next, refusal }: { name: string; next: string; refusal: string | null }) {
  const [error, formAction, pending] = useActionState<string | null, FormData>(ssoSignInAction, null)
  const message = error ?? refusal
  const errorRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (message) errorRef.current?.focus()
  }, [message])
  return (
    <form action={formAction} className="space-y-4">
      <div className="flex items-center gap-3 text-xs text-zinc-500" aria-hidden="true">
        <span className="h-px flex-1 bg-zinc-200" />
        or
        <span className="h-px flex-1 bg-zinc-200" />
      </div>
      {message ? (
        <Alert tone="error" focusRef={errorRef}>
          {message}
        </Alert>
      ) : null}
      <input type="hidden" name="next" value={next} />
      <Button type="submit" variant="secondary" className="w-full" disabled={pending}>
        {pending ? 'Redirecting…' : `Continue with ${name}`}
      </Button>
    </form>
  )
}
