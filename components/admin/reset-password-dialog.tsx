'use client'

import { useActionState, useEffect, useRef } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input } from '@/components/ui/field'
import { resetUserPasswordAction } from '@/lib/actions/users'
import type { UserDTO } from '@/lib/server/users/queries'
import { MODAL_CLASS } from '@/components/ui/modal'
import { submitKeepingInput } from '@/components/ui/keep-input'

export function ResetPasswordDialog({ user }: { user: UserDTO }) {
  const ref = useRef<HTMLDialogElement>(null)
  const [state, formAction, pending] = useActionState(resetUserPasswordAction, null)
  const errors = state && !state.ok ? state.fieldErrors : undefined
  const formRef = useRef<HTMLFormElement>(null)
  useEffect(() => {
    if (state?.ok) formRef.current?.reset()
  }, [state])
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => ref.current?.showModal()}>
        Set password
      </Button>
      <dialog ref={ref} aria-label={`Set a new password for ${user.name}`} className={MODAL_CLASS}>
        <form ref={formRef} onSubmit={submitKeepingInput(formAction)} className="space-y-4 p-5" noValidate>
          <h2 className="text-base font-semibold">Set a new password for {user.name}</h2>
          <p className="text-sm text-zinc-600">
            Their current sessions end, and a lockout from failed sign-ins is lifted.
          </p>
          <input type="hidden" name="userId" value={user.id} />
          {state?.ok ? <Alert tone="success">{state.message}</Alert> : null}
          {state && !state.ok && !errors?.password ? <Alert tone="error">{state.error}</Alert> : null}
          <Field label="New password" name="password" id={`password-${user.id}`} errors={errors?.password}>
            <Input
              name="password"
              id={`password-${user.id}`}
              type="password"
              autoComplete="new-password"
              invalid={!!errors?.password}
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => ref.current?.close()}>
              Close
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? 'Saving…' : 'Set password'}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  )
}
