'use client'

import { useActionState, useEffect, useRef, type ReactNode } from 'react'
import type { ActionResult } from '@/lib/actions/define-action'
import { Button } from './button'
import { cn } from './cn'
import { submitKeepingInput } from './keep-input'

type Errors = Record<string, string[]> | undefined

export type FormAction = (prev: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>

/** What a form that adds or edits one kind of thing takes. */
export type EntityFormProps<T> = {
  action: FormAction
  hidden: Record<string, string>
  submitLabel: string
  /** Keeps field ids unique when several such forms are on one page. */
  idPrefix: string
  initial?: T
  className?: string
  onSuccess?: () => void
}

type Props = {
  action: FormAction
  submitLabel: string
  pendingLabel?: string
  className?: string
  hidden?: Record<string, string>
  /** Called after the server accepted the form (e.g. to close an edit form). */
  onSuccess?: () => void
  /** Renders the fields, given the field errors of the last attempt. */
  children: (errors: Errors) => ReactNode
}

/** A form bound to a server action: field errors beside fields, a form error above, cleared after success. */
export function ActionForm({
  action,
  submitLabel,
  pendingLabel = 'Saving…',
  className,
  hidden,
  onSuccess,
  children,
}: Props) {
  const [state, formAction, pending] = useActionState(action, null)
  const ref = useRef<HTMLFormElement>(null)
  // The latest callback, so that a new function identity on re-render does not repeat the success.
  const onSuccessRef = useRef(onSuccess)
  useEffect(() => {
    onSuccessRef.current = onSuccess
  })
  useEffect(() => {
    if (!state?.ok) return
    ref.current?.reset()
    onSuccessRef.current?.()
  }, [state])
  const errors = state && !state.ok ? state.fieldErrors : undefined
  const formError = state && !state.ok && !errors ? state.error : null
  return (
    <form ref={ref} onSubmit={submitKeepingInput(formAction)} className={cn('space-y-3', className)} noValidate>
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {formError ? (
        <p role="alert" className="text-sm text-red-600">
          {formError}
        </p>
      ) : null}
      {children(errors)}
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </Button>
    </form>
  )
}
