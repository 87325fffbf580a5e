import type { Metadata } from 'next'
import Link from 'next/link'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { Card, CardHeader } from '@/components/ui/card'
import { PageHeader } from '@/components/ui/page-header'
import { RegisterWebhookForm } from '@/components/webhooks/register-webhook-form'
import { requirePageActor } from '@/lib/auth/current-user'

export const metadata: Metadata = { title: 'Register a webhook' }

export default async function NewWebhookPage() {
  await requirePageActor('webhook:manage')
  return (
    <>
      <PageHeader title="Admin" description="Where Lockstep sends word of windows, runs, validations and drift." />
      <AdminTabs current="webhooks" />
      <Card>
        <CardHeader
          title="Register a webhook"
          description="Each message is signed with a secret you are shown once; the receiver checks it."
          actions={
            <Link href="/admin/webhooks" className="text-sm text-indigo-700 hover:underline">
              All webhooks
            </Link>
          }
        />
        <div className="p-5">
          <RegisterWebhookForm />
        </div>
      </Card>
    </>
  )
}
