'use client'

import { useRouter } from 'next/navigation'
import { Badge, type BadgeTone } from '@/components/ui/badge'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { Timestamp } from '@/components/ui/timestamp'
import { revokeTokenAction } from '@/lib/actions/tokens'
import type { TokenDTO } from '@/lib/server/tokens/queries'
import { TokenUses } from './token-uses'

const STATE: Record<TokenDTO['state'], { tone: BadgeTone; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  expired: { tone: 'neutral', label: 'Expired' },
  revoked: { tone: 'danger', label: 'Revoked' },
}

/** Tokens as a list of cards (they read on a phone too): what each may do, its last use, its requests. */
export function TokenTable({ tokens, owner }: { tokens: TokenDTO[]; owner: string }) {
  const router = useRouter()
  return (
    <ul className="divide-y divide-zinc-100" aria-label={`Tokens of ${owner}`}>
      {tokens.map((token) => (
        <li key={token.id} className="space-y-2 px-5 py-4" data-testid={`token-${token.name}`}>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <div className="flex min-w-0 flex-wrap items-center gap-2">
              <h3 className="font-medium text-zinc-900">{token.name}</h3>
              <code className="font-mono text-xs text-zinc-600">{token.prefix}…</code>
              <Badge tone={STATE[token.state].tone}>{STATE[token.state].label}</Badge>
            </div>
            {token.state === 'active' ? (
              <ConfirmDialog
                triggerLabel={
                  <>
                    Revoke<span className="sr-only"> {token.name}</span>
                  </>
                }
                title={`Revoke “${token.name}”?`}
                description="Requests with this token are refused from now on. This cannot be undone: a pipeline that uses it needs a new token."
                confirmLabel="Revoke token"
                onConfirm={async () => {
                  const result = await revokeTokenAction({ tokenId: token.id })
                  if (!result.ok) return result.error
                  router.refresh()
                  return null
                }}
              />
            ) : null}
          </div>
          <dl className="grid gap-x-6 gap-y-1 text-sm text-zinc-600 sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="inline text-zinc-500">Scopes: </dt>
              <dd className="inline font-mono text-xs">{token.scopes.join(', ')}</dd>
            </div>
            <div>
              <dt className="inline text-zinc-500">Created: </dt>
              <dd className="inline">
                <Timestamp iso={token.createdAt} /> by {token.createdByName}
              </dd>
            </div>
            <div>
              <dt className="inline text-zinc-500">{token.state === 'revoked' ? 'Revoked: ' : 'Expires: '}</dt>
              <dd className="inline">
                <Timestamp iso={token.state === 'revoked' ? token.revokedAt : token.expiresAt} empty="never" />
              </dd>
            </div>
            <div>
              <dt className="inline text-zinc-500">Last used: </dt>
              <dd className="inline">
                <Timestamp iso={token.lastUsedAt} empty="never" />
                {token.lastUsedFrom ? ` from ${token.lastUsedFrom}` : ''}
              </dd>
            </div>
          </dl>
          <TokenUses token={token} />
        </li>
      ))}
    </ul>
  )
}
