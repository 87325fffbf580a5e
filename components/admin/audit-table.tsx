import { Table, Td, Th } from '@/components/ui/table'
import { Timestamp } from '@/components/ui/timestamp'
import { shortId } from '@/lib/domain/short-id'
import type { AuditEventDTO } from '@/lib/server/audit/queries'

export function AuditTable({ events }: { events: AuditEventDTO[] }) {
  return (
    <Table caption="Audit events">
      <thead className="bg-zinc-50">
        <tr>
          <Th>When</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Entity</Th>
          <Th>Change</Th>
          <Th>Origin</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {events.map((event) => (
          <tr key={event.id} data-testid="audit-row">
            <Td className="whitespace-nowrap">
              <Timestamp iso={event.createdAt} />
            </Td>
            <Td>{event.actorLabel}</Td>
            <Td>
              <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs">{event.action}</code>
            </Td>
            <Td>
              {event.entityType}
              {event.entityId ? (
                <a href={`?entityType=${encodeURIComponent(event.entityType)}&entityId=${encodeURIComponent(event.entityId)}`} className={`ml-1 text-indigo-700 hover:underline ${event.entityLabel ? '' : 'font-mono text-xs'}`} title={`All events of this entity (${event.entityId})`}>
                  {event.entityLabel ?? shortId(event.entityId)}
                </a>
              ) : null}
            </Td>
            <Td className="max-w-md">
              <Change before={event.before} after={event.after} />
            </Td>
            <Td className="text-xs text-zinc-500">{event.origin ?? '—'}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  )
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  const sides = [
    ['before', before, 'text-red-700'],
    ['after', after, 'text-emerald-700'],
  ] as const
  if (before == null && after == null) return <span className="text-zinc-400">—</span>
  return (
    <dl className="space-y-0.5 font-mono text-xs break-all">
      {sides.map(([label, value, tone]) =>
        value == null ? null : (
          <div key={label}>
            <dt className="inline text-zinc-500">{label} </dt>
            <dd className={`inline ${tone}`}>{JSON.stringify(value)}</dd>
          </div>
        ),
      )}
    </dl>
  )
}
