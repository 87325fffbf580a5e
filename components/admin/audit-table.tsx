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
            <Td>
              {event.actorLabel}
              {event.apiToken ? (
                <span className="block text-xs text-zinc-500">through the API token “{event.apiToken.name}”</span>
              ) : null}
            </Td>
            <Td>
              <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs">{event.action}</code>
            </Td>
            <Td>
              {event.entityType}
              {event.entityId ? (
                <a
                  href={`?entityType=${encodeURIComponent(event.entityType)}&entityId=${encodeURIComponent(event.entityId)}`}
                  className={`ml-1 text-indigo-700 underline hover:no-underline ${event.entityLabel ? '' : 'font-mono text-xs'}`}
                >
                  {event.entityLabel ?? shortId(event.entityId)}
                  <span className="sr-only"> – all events of this {event.entityType.toLowerCase()}</span>
                </a>
              ) : null}
            </Td>
            <Td className="min-w-72">
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
  if (before == null && after == null) return <span className="text-zinc-500">—</span>
  return (
    <dl className="space-y-1 font-mono text-xs [overflow-wrap:anywhere]">
      {sides.map(([label, value, tone]) =>
        value == null ? null : (
          <div key={label}>
            <dt className="text-zinc-500">{label}</dt>
            <dd className={tone}>
              <ChangeValue value={value} />
            </dd>
          </div>
        ),
      )}
    </dl>
  )
}

/** An object reads as one field a line; anything else as its JSON. */
function ChangeValue({ value }: { value: unknown }) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return <>{JSON.stringify(value)}</>
  return (
    <ul>
      {Object.entries(value).map(([key, field]) => (
        <li key={key}>
          <span className="text-zinc-600">{key}:</span> {JSON.stringify(field)}
        </li>
      ))}
    </ul>
  )
}
