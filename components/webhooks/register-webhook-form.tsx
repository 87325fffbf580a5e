'use client'

import Link from 'next/link'
import { useActionState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { submitKeepingInput } from '@/components/ui/keep-input'
import { createWebhookAction } from '@/lib/actions/webhooks'
import { SecretOnce } from './secret-once'
import { WebhookFields } from './webhook-fields'

/** Registers a webhook; on success the form gives way to the signing secret, shown this once. */
export function RegisterWebhookForm() {
  const [state, formAction, pending] = useActionState(createWebhookAction, null)
  if (state?.ok)
    return (
      <div className="space-y-4">
        <SecretOnce secret={state.data.secret} message={state.message ?? 'Webhook registered.'} />
        <Link
          href={`/admin/webhooks/${state.data.id}`}
          className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Open the webhook
        </Link>
      </div>
    )
  const errors = state && !state.ok ? state.fieldErrors : undefined
  return (
    <form onSubmit={submitKeepingInput(formAction)} className="space-y-4" noValidate>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <WebhookFields errors={errors} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Registering…' : 'Register webhook'}
      </Button>
    </form>
  )
}
