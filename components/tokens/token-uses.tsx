import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import type { TokenDTO } from '@/lib/server/tokens/queries'

/** The token's latest requests, folded away until asked for. */
export function TokenUses({ token }: { token: TokenDTO }) {
  if (token.useCount === 0) return <p className="text-xs text-zinc-500">No requests yet.</p>
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-indigo-700 hover:underline">
        Requests ({token.useCount}
        {token.useCount > token.uses.length ? `, the latest ${token.uses.length} shown` : ''})
      </summary>
      <div className="mt-2">
        <Table caption={`Requests made with ${token.name}`}>
          <thead className="bg-zinc-50">
            <tr>
              <Th>When</Th>
              <Th>Request</Th>
              <Th>Answer</Th>
              <Th>From</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {token.uses.map((use) => (
              <tr key={use.id}>
                <Td>
                  <Timestamp iso={use.at} />
                </Td>
                <Td className="font-mono text-xs break-all">
                  {use.method} {use.path}
                </Td>
                <Td className={use.status >= 400 ? 'text-red-700' : undefined}>{use.status}</Td>
                <Td>{use.origin ?? '—'}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </details>
  )
}
