'use client'

import { useActionState, useEffect, useRef } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Field, Input, Select } from '@/components/ui/field'
import { createUserAction } from '@/lib/actions/users'
import { RoleOptions } from './role-options'
import { submitKeepingInput } from '@/components/ui/keep-input'

export function CreateUserForm() {
  const [state, formAction, pending] = useActionState(createUserAction, null)
  const formRef = useRef<HTMLFormElement>(null)
  const errors = state && !state.ok ? state.fieldErrors : undefined
  useEffect(() => {
    if (state?.ok) formRef.current?.reset()
  }, [state])
  return (
    <form ref={formRef} onSubmit={submitKeepingInput(formAction)} className="space-y-4" noValidate>
      {state?.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <Field label="Name" name="name" errors={errors?.name}>
          <Input name="name" required maxLength={120} invalid={!!errors?.name} autoComplete="off" />
        </Field>
        <Field label="Email" name="email" errors={errors?.email}>
          <Input name="email" type="email" required invalid={!!errors?.email} autoComplete="off" />
        </Field>
        <Field label="Role" name="role" errors={errors?.role}>
          <Select name="role" defaultValue="LEAD" invalid={!!errors?.role}>
            <RoleOptions />
          </Select>
        </Field>
        <Field
          label="Initial password"
          name="password"
          errors={errors?.password}
          hint="At least 12 characters; share it safely."
        >
          <Input
            name="password"
            type="password"
            required
            minLength={12}
            invalid={!!errors?.password}
            autoComplete="new-password"
          />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add user'}
      </Button>
    </form>
  )
}
