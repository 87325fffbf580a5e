import type { Metadata } from 'next'
import { CreateTokenForm } from '@/components/tokens/create-token-form'
import { TokenTable } from '@/components/tokens/token-table'
import { Card, CardHeader } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { requirePageActor } from '@/lib/auth/current-user'
import { ROLE_LABELS } from '@/lib/auth/permissions'
import { listOwnTokens } from '@/lib/server/tokens/queries'

export const metadata: Metadata = { title: 'API tokens' }

export default async function TokensPage() {
  const actor = await requirePageActor('account:own')
  const tokens = await listOwnTokens(actor)
  return (
    <>
      <PageHeader
        title="API tokens"
        description={`Tokens act as you through the HTTP API (/api/v1) and lockstep remote – never beyond your role (${ROLE_LABELS[actor.role]}), and only within their scopes.`}
      />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="New token"
            description="Approving windows, resolving runs and managing people or connections stay on these pages: no token can do them."
          />
          <div className="p-5">
            <CreateTokenForm kind="personal" submitLabel="Create token" />
          </div>
        </Card>
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet">
            Create one above for a pipeline or a script. The documentation of the API is at{' '}
            <a href="/api/v1/openapi.json" className="font-medium text-indigo-700 hover:underline">
              /api/v1/openapi.json
            </a>
            .
          </EmptyState>
        ) : (
          <Card>
            <CardHeader
              title="Your tokens"
              description={`${tokens.filter((t) => t.state === 'active').length} active of ${tokens.length}`}
            />
            <TokenTable tokens={tokens} owner={actor.name} />
          </Card>
        )}
      </div>
    </>
  )
}
