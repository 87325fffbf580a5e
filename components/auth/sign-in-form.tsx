'use client'

import { useActionState, useEffect, useRef, useState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input } from '@/components/ui/field'
import { signInAction, type SignInState } from '@/lib/actions/auth'
import { submitKeepingInput } from '@/components/ui/keep-input'

/**
 * Email and password, then – for accounts with two-factor sign-in – a code. The first step's fields stay in
 * the form (hidden) so the second submit sends everything again: the server keeps nothing between the steps.
 */
export function SignInForm({ next }: { next: string }) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signInAction, {
    error: null,
    email: '',
    step: 'password',
  })
  const [startedOver, setStartedOver] = useState(false)
  const askCode = state.step === 'code' && !startedOver
  const submit = submitKeepingInput(formAction)
  const errorRef = useRef<HTMLDivElement>(null)
  // A refused sign-in moves focus to the reason, so keyboard and screen-reader users are not left nowhere.
  useEffect(() => {
    if (state.error) errorRef.current?.focus()
  }, [state])
  return (
    <form
      onSubmit={(event) => {
        setStartedOver(false)
        submit(event)
      }}
      className="space-y-4"
      noValidate
    >
      <input type="hidden" name="next" value={next} />
      {state.error && !startedOver ? (
        <Alert tone="error" focusRef={errorRef}>
          {state.error}
        </Alert>
      ) : null}
      <div hidden={askCode} className="space-y-4">
        <Field label="Email" name="email">
          <Input name="email" type="email" autoComplete="username" required autoFocus defaultValue={state.email} />
        </Field>
        <Field label="Password" name="password">
          <Input name="password" type="password" autoComplete="current-password" required />
        </Field>
      </div>
      {askCode ? (
        <>
          <p className="text-sm text-zinc-600">
            Two-factor sign-in is on for <strong className="font-medium text-zinc-900">{state.email}</strong>.
          </p>
          <Field
            label="Authentication code"
            name="code"
            hint="The 6 digits your authenticator app shows now, or one of your recovery codes."
          >
            <Input name="code" autoComplete="one-time-code" maxLength={32} required autoFocus spellCheck={false} />
          </Field>
        </>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : askCode ? 'Verify' : 'Sign in'}
      </Button>
      {askCode ? (
        <button
          type="button"
          className="w-full text-center text-sm text-zinc-500 hover:text-zinc-800"
          onClick={() => setStartedOver(true)}
        >
          Use another account
        </button>
      ) : null}
    </form>
  )
}
