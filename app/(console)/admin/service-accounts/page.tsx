import type { Metadata } from 'next'
import { AdminTabs } from '@/components/admin/admin-tabs'
import { CreateTokenForm } from '@/components/tokens/create-token-form'
import { TokenTable } from '@/components/tokens/token-table'
import { Badge } from '@/components/ui/badge'
import { Card, CardHeader } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { ROLE_LABELS } from '@/lib/auth/permissions'
import { listServiceAccounts } from '@/lib/server/tokens/queries'

export const metadata: Metadata = { title: 'Service accounts' }

export default async function ServiceAccountsPage() {
  const actor = await requirePageActor('user:manage')
  const accounts = await listServiceAccounts(actor)
  return (
    <>
      <PageHeader
        title="Admin"
        description="Service accounts act only through their API tokens, with the role you give them; they never sign in."
      />
      <AdminTabs current="service-accounts" />
      <div className="space-y-6">
        <Card>
          <CardHeader title="New service account" description="Created with its first token, shown once." />
          <div className="p-5">
            <CreateTokenForm kind="service-account" submitLabel="Create service account" />
          </div>
        </Card>
        {accounts.length === 0 ? (
          <EmptyState title="No service accounts yet">
            A pipeline that runs migrations can act as a service account rather than as a person.
          </EmptyState>
        ) : (
          accounts.map((account) => (
            <Card key={account.id}>
              <CardHeader
                title={account.name}
                description={
                  <span className="flex flex-wrap items-center gap-2">
                    <span className="break-all">{account.email}</span>
                    <Badge tone="info">{ROLE_LABELS[account.role]}</Badge>
                    {account.isActive ? null : <Badge tone="danger">Deactivated</Badge>}
                  </span>
                }
              />
              {account.tokens.length ? (
                <TokenTable tokens={account.tokens} owner={account.name} />
              ) : (
                <p className="px-5 py-4 text-sm text-zinc-500">No tokens.</p>
              )}
              {account.isActive ? (
                <details className="border-t border-zinc-100 px-5 py-4">
                  <summary className="cursor-pointer text-sm font-medium text-indigo-700 hover:underline">
                    New token for {account.name}
                  </summary>
                  <div className="mt-4">
                    <CreateTokenForm kind="service-token" userId={account.id} submitLabel="Create token" />
                  </div>
                </details>
              ) : null}
            </Card>
          ))
        )}
      </div>
    </>
  )
}
