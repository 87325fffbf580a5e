import type { Metadata } from 'next'
import { ConnectionForm } from '@/components/connections/connection-form'
import { ConnectionRow } from '@/components/connections/connection-row'
import { EnvironmentForm } from '@/components/connections/environment-form'
import { EnvironmentProtection } from '@/components/connections/environment-protection'
import { EnvironmentSafeguards } from '@/components/connections/environment-safeguards'
import { safeguardsInWords } from '@/lib/domain/safeguards'
import { Badge } from '@/components/ui/badge'
import { Card } from '@/components/ui/card'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'
import { createConnectionAction } from '@/lib/actions/connections'
import { requirePageActor } from '@/lib/auth/current-user'
import { can } from '@/lib/auth/permissions'
import { listEnvironments } from '@/lib/server/connections/queries'

export const metadata: Metadata = { title: 'Connections' }

export default async function ConnectionsPage() {
  const actor = await requirePageActor('connection:read')
  const environments = await listEnvironments(actor)
  const canManage = can(actor.role, 'connection:manage')
  const canAllowOwnServer = can(actor.role, 'connection:own-server')
  return (
    <div className="space-y-8">
      <PageHeader
        title="Connections"
        description="Environments and the databases in them. Passwords are stored encrypted and never shown again; test a connection to see its version, latency and privileges."
      />
      {environments.length === 0 ? (
        <EmptyState title="No environments yet">
          {canManage
            ? 'Add the first one below – e.g. staging, then production (protected).'
            : 'A DBA or admin adds environments and their connections.'}
        </EmptyState>
      ) : null}
      {environments.map((env) => (
        <section key={env.id} aria-labelledby={`env-${env.id}`} className="space-y-3" data-testid="environment">
          <div className="flex flex-wrap items-center gap-2">
            <h2 id={`env-${env.id}`} className="text-lg font-semibold">
              {env.name}
            </h2>
            {env.protected ? <Badge tone="danger">Protected</Badge> : <Badge>Unprotected</Badge>}
            {env.description ? <span className="text-sm text-zinc-600">{env.description}</span> : null}
            {canManage ? <EnvironmentProtection environment={env} /> : null}
          </div>
          {env.protected ? (
            <p className="text-sm text-zinc-600" data-testid="environment-safeguards">
              {safeguardsInWords(env)}
            </p>
          ) : null}
          <Card className="px-5 py-2">
            {env.connections.length === 0 ? <p className="py-3 text-sm text-zinc-500">No connections yet.</p> : null}
            <ul className="divide-y divide-zinc-100">
              {env.connections.map((c) => (
                <ConnectionRow
                  key={c.id}
                  connection={c}
                  environmentId={env.id}
                  canManage={canManage}
                  canAllowOwnServer={canAllowOwnServer}
                />
              ))}
            </ul>
            {canManage ? (
              <details className="border-t border-zinc-100 py-3">
                <summary className="cursor-pointer text-sm font-medium text-indigo-700">
                  Add a connection to {env.name}
                </summary>
                <div className="pt-3">
                  <ConnectionForm
                    action={createConnectionAction}
                    environmentId={env.id}
                    idPrefix={`new-${env.id}`}
                    canAllowOwnServer={canAllowOwnServer}
                  />
                </div>
              </details>
            ) : null}
            {canManage && env.protected ? <EnvironmentSafeguards environment={env} /> : null}
          </Card>
        </section>
      ))}
      {canManage ? (
        <section aria-labelledby="new-env" className="space-y-3">
          <h2 id="new-env" className="text-lg font-semibold">
            Add an environment
          </h2>
          <Card className="p-5">
            <EnvironmentForm />
          </Card>
        </section>
      ) : null}
    </div>
  )
}
