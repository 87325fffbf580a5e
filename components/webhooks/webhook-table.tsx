import Link from 'next/link'
import { Badge } from '@/components/ui/badge'
import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { EVENT_LABELS, FORMAT_LABELS } from '@/lib/domain/webhooks'
import type { WebhookDTO } from '@/lib/server/webhooks/queries'
import { DeliveryStatusBadge } from './delivery-status'

export function WebhookTable({ webhooks }: { webhooks: WebhookDTO[] }) {
  return (
    <Table caption="Webhooks">
      <thead className="bg-zinc-50">
        <tr>
          <Th>Name</Th>
          <Th>Events</Th>
          <Th>State</Th>
          <Th>Last delivery</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {webhooks.map((w) => (
          <tr key={w.id} data-testid="webhook-row">
            <Td>
              <Link href={`/admin/webhooks/${w.id}`} className="font-medium text-indigo-700 hover:underline">
                {w.name}
              </Link>
              <p className="text-xs break-all text-zinc-600">{w.url}</p>
              <p className="text-xs text-zinc-600">{FORMAT_LABELS[w.format]}</p>
            </Td>
            <Td className="text-xs">{w.events.map((e) => EVENT_LABELS[e]).join(', ')}</Td>
            <Td>{w.isActive ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Paused</Badge>}</Td>
            <Td>
              {w.lastDelivery ? (
                <div className="space-y-1">
                  <DeliveryStatusBadge status={w.lastDelivery.status} />
                  <p className="text-xs text-zinc-600">
                    <span className="font-mono">{w.lastDelivery.type}</span> · <Timestamp iso={w.lastDelivery.at} />
                  </p>
                </div>
              ) : (
                <span className="text-xs text-zinc-600">None yet</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  )
}
