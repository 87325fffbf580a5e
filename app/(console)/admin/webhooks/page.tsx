import type { Metadata } from 'next'
import Link from 'next/link'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { Card, CardHeader } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { WebhookTable } from '@/components/webhooks/webhook-table'
import { requirePageActor } from '@/lib/auth/current-user'
import { listWebhooks } from '@/lib/server/webhooks/queries'

export const metadata: Metadata = { title: 'Webhooks' }

const REGISTER =
  'inline-flex h-9 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500'

export default async function WebhooksPage() {
  const actor = await requirePageActor('webhook:manage')
  const webhooks = await listWebhooks(actor)
  return (
    <>
      <PageHeader title="Admin" description="Where Lockstep sends word of windows, runs, validations and drift." />
      <AdminTabs current="webhooks" />
      {webhooks.length ? (
        <Card>
          <CardHeader
            title="Webhooks"
            description={`${webhooks.filter((w) => w.isActive).length} active of ${webhooks.length}`}
            actions={
              <Link href="/admin/webhooks/new" className={REGISTER}>
                Register a webhook
              </Link>
            }
          />
          <WebhookTable webhooks={webhooks} />
        </Card>
      ) : (
        <EmptyState
          title="No webhooks yet"
          action={
            <Link href="/admin/webhooks/new" className={REGISTER}>
              Register a webhook
            </Link>
          }
        >
          A webhook POSTs a signed message to a URL when a window is requested or decided, a run starts, waits at a
          gate, succeeds or fails, a rollback trigger fires, a validation fails or drift is found – to chat (Slack) or
          to your own service.
        </EmptyState>
      )}
    </>
  )
}
