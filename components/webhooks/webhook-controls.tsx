'use client'

import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import {
  deleteWebhookAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  setWebhookActiveAction,
} from '@/lib/actions/webhooks'
import type { WebhookDTO } from '@/lib/server/webhooks/queries'
import { SecretOnce } from './secret-once'

/** Send a test event, pause or resume, a new signing secret, delete: each says what became of it. */
export function WebhookControls({ webhook }: { webhook: WebhookDTO }) {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null)
  const [secret, setSecret] = useState<{ value: string; message: string } | null>(null)
  const webhookId = webhook.id

  const run = (act: () => Promise<{ ok: true; message?: string } | { ok: false; error: string }>, done: string) =>
    startTransition(async () => {
      const result = await act()
      setNotice(result.ok ? { tone: 'success', text: result.message ?? done } : { tone: 'error', text: result.error })
      router.refresh()
    })

  return (
    <div className="space-y-3">
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      {secret ? <SecretOnce secret={secret.value} message={secret.message} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          disabled={pending || !webhook.isActive}
          onClick={() => run(() => sendTestWebhookAction({ webhookId }), 'Test event queued.')}
        >
          Send a test event
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            run(
              () => setWebhookActiveAction({ webhookId, isActive: String(!webhook.isActive) }),
              webhook.isActive ? 'Paused: no events are sent until you resume it.' : 'Resumed: events are sent again.',
            )
          }
        >
          {webhook.isActive ? 'Pause' : 'Resume'}
        </Button>
        <ConfirmDialog
          triggerLabel="New signing secret"
          title="Make a new signing secret?"
          description="The current secret stops signing at once: the receiver must be given the new one, which is shown once."
          confirmLabel="Make a new secret"
          tone="primary"
          onConfirm={async () => {
            const result = await rotateWebhookSecretAction({ webhookId })
            if (!result.ok) return result.error
            setNotice(null)
            setSecret({ value: result.data.secret, message: result.message ?? 'New signing secret made.' })
            return null
          }}
        />
        <ConfirmDialog
          triggerLabel="Delete"
          triggerVariant="danger"
          title="Delete this webhook?"
          description="It stops receiving events, and its deliveries and their answers are deleted with it."
          confirmLabel="Delete webhook"
          phrase={webhook.name}
          onConfirm={async () => {
            const result = await deleteWebhookAction({ webhookId, confirm: webhook.name })
            if (!result.ok) return result.error
            router.push('/admin/webhooks')
            return null
          }}
        />
      </div>
    </div>
  )
}
