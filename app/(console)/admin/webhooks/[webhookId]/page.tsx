import type { Metadata } from 'next'
import Link from 'next/link'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { Badge } from '@/components/ui/badge'
import { Card, CardHeader } from '@/components/ui/card'
import { PageHeader } from '@/components/ui/page-header'
import { DeliveryList } from '@/components/webhooks/delivery-list'
import { WebhookControls } from '@/components/webhooks/webhook-controls'
import { WebhookSettingsForm } from '@/components/webhooks/webhook-settings-form'
import { requirePageActor } from '@/lib/auth/current-user'
import { loadOrNotFound } from '@/lib/server/load-or-not-found'
import { getWebhook } from '@/lib/server/webhooks/queries'

export const metadata: Metadata = { title: 'Webhook' }

export default async function WebhookPage({ params }: { params: Promise<{ webhookId: string }> }) {
  const actor = await requirePageActor('webhook:manage')
  const { webhookId } = await params
  const { webhook, deliveries } = await loadOrNotFound(getWebhook(actor, webhookId))
  return (
    <>
      <PageHeader title="Admin" description="Where Lockstep sends word of windows, runs, validations and drift." />
      <AdminTabs current="webhooks" />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title={webhook.name}
            description={
              <>
                <span className="break-all">{webhook.url}</span>{' '}
                {webhook.isActive ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Paused</Badge>}
              </>
            }
            actions={
              <Link href="/admin/webhooks" className="shrink-0 text-sm text-indigo-700 hover:underline">
                All webhooks
              </Link>
            }
          />
          <div className="p-5">
            <WebhookControls webhook={webhook} />
          </div>
        </Card>
        <Card>
          <CardHeader
            title="Deliveries"
            description="The latest 50, each with every attempt and what the receiver answered."
          />
          <DeliveryList deliveries={deliveries} />
        </Card>
        <Card>
          <CardHeader title="Settings" />
          <div className="p-5">
            <WebhookSettingsForm webhook={webhook} />
          </div>
        </Card>
      </div>
    </>
  )
}
