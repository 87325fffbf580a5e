'use client'

import { useActionState } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { submitKeepingInput } from '@/components/ui/keep-input'
import { updateWebhookAction } from '@/lib/actions/webhooks'
import type { WebhookDTO } from '@/lib/server/webhooks/queries'
import { WebhookFields } from './webhook-fields'

export function WebhookSettingsForm({ webhook }: { webhook: WebhookDTO }) {
  const [state, formAction, pending] = useActionState(updateWebhookAction, null)
  const errors = state && !state.ok ? state.fieldErrors : undefined
  return (
    <form onSubmit={submitKeepingInput(formAction)} className="space-y-4" noValidate>
      <input type="hidden" name="webhookId" value={webhook.id} />
      {state?.ok ? <Alert tone="success">{state.message}</Alert> : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <WebhookFields errors={errors} initial={webhook} editing />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save settings'}
      </Button>
    </form>
  )
}
